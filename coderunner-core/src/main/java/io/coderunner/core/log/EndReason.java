package io.coderunner.core.log;

/** Why a cursor ended. */
public enum EndReason {
  /** Its owner closed it. */
  CLOSED,
  /** The deployment and its log were deleted. */
  DELETED,
  /** The store was closed. */
  STORE_CLOSED
}
