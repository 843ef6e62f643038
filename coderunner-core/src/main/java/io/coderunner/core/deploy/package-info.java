/**
 * Deployments: where they are stored ({@link io.coderunner.core.deploy.DeploymentStore}), how they
 * run ({@link io.coderunner.core.deploy.DeploymentRunner}) and their lifecycle ({@link
 * io.coderunner.core.deploy.DeploymentService}).
 */
@NullMarked
package io.coderunner.core.deploy;

import org.jspecify.annotations.NullMarked;
