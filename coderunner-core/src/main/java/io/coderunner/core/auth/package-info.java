/**
 * Authentication and authorisation: {@link io.coderunner.core.auth.JwtService} issues and verifies
 * the bearer tokens every transport accepts, and {@link io.coderunner.core.auth.AccessPolicy} is
 * the one rule that decides which principal may see or manage which deployment.
 */
@NullMarked
package io.coderunner.core.auth;

import org.jspecify.annotations.NullMarked;
