package io.coderunner.core.deploy;

import io.coderunner.core.Deployment;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of deployments, ordered by id.
 *
 * @param items the deployments
 * @param nextCursor pass as {@code cursor} for the next page; {@code null} on the last page
 */
public record DeploymentPage(List<Deployment> items, @Nullable String nextCursor) {
  /**
   * Copies {@code items} into an unmodifiable list.
   *
   * @param items the deployments, in id order
   * @param nextCursor the cursor of the next page, or {@code null} on the last page
   */
  public DeploymentPage {
    items = List.copyOf(items);
  }
}
