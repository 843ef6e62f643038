package io.coderunner.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.AccessDeniedException;
import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.PermissionDeniedException;
import io.coderunner.core.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {
  private static final Instant T = Instant.parse("2026-11-24T10:15:30Z");
  private static final Principal OWNER = new Principal("owner-7", "olivia", Set.of("deployer"));
  private static final Principal OTHER = new Principal("user-8", "oscar", Set.of("deployer"));
  private static final Principal ADMIN = new Principal("admin-1", "root", Set.of("admin"));
  private static final Principal NO_ROLES = new Principal("user-9", "nora", Set.of());
  private static final Deployment DEPLOYMENT =
      new Deployment(
          DeploymentId.of("dep-42"),
          "web",
          "owner-7",
          List.of("echo", "hi"),
          Map.of(),
          null,
          DeploymentStatus.CREATED,
          T,
          T);

  private final AccessPolicy policy = AccessPolicy.ownerOrAdmin();

  @Test
  void ownerMayReadAndManageItsDeployment() {
    assertThat(policy.canRead(OWNER, DEPLOYMENT)).isTrue();
    assertThat(policy.canManage(OWNER, DEPLOYMENT)).isTrue();
    assertThatCode(() -> policy.requireRead(OWNER, DEPLOYMENT)).doesNotThrowAnyException();
    assertThatCode(() -> policy.requireManage(OWNER, DEPLOYMENT)).doesNotThrowAnyException();
  }

  @Test
  void ownerWithoutTheDeployerRoleMayReadButNotChangeItsDeploymentNorCreateOne() {
    Principal bareOwner = new Principal("owner-7", "olivia", Set.of("viewer"));

    assertThat(policy.canRead(bareOwner, DEPLOYMENT)).isTrue();
    assertThat(policy.canManage(bareOwner, DEPLOYMENT)).isFalse();
    assertThat(policy.canDeploy(bareOwner)).isFalse();
    assertThatThrownBy(() -> policy.requireManage(bareOwner, DEPLOYMENT))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("deployer");
    assertThatThrownBy(() -> policy.requireDeploy(bareOwner))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("deployer");
  }

  @Test
  void managingAnotherOwnersDeploymentIsDeniedAsIfItDidNotExist() {
    assertThatThrownBy(() -> policy.requireManage(OTHER, DEPLOYMENT))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(policy.canDeploy(OTHER)).isTrue();
    assertThat(policy.canDeploy(ADMIN)).isTrue();
    assertThat(policy.canDeploy(NO_ROLES)).isFalse();
  }

  @Test
  void otherUserMayNeitherReadNorManage() {
    assertThat(policy.canRead(OTHER, DEPLOYMENT)).isFalse();
    assertThat(policy.canManage(OTHER, DEPLOYMENT)).isFalse();
  }

  @Test
  void userWithNoRolesMayNeitherReadNorManageSomeoneElsesDeployment() {
    assertThat(policy.canRead(NO_ROLES, DEPLOYMENT)).isFalse();
    assertThat(policy.canManage(NO_ROLES, DEPLOYMENT)).isFalse();
    assertThat(policy.canReadAll(NO_ROLES)).isFalse();
  }

  @Test
  void adminMayReadAndManageAnyDeploymentAndListAll() {
    assertThat(policy.canRead(ADMIN, DEPLOYMENT)).isTrue();
    assertThat(policy.canManage(ADMIN, DEPLOYMENT)).isTrue();
    assertThat(policy.canReadAll(ADMIN)).isTrue();
  }

  @Test
  void onlyAdminsMayReadAll() {
    assertThat(policy.canReadAll(OWNER)).isFalse();
    assertThat(policy.canReadAll(OTHER)).isFalse();
  }

  @Test
  void roleNamedLikeAdminInAnotherCaseIsNotAdmin() {
    Principal shouty = new Principal("user-5", "sam", Set.of("ADMIN", "Admin"));

    assertThat(policy.canRead(shouty, DEPLOYMENT)).isFalse();
    assertThat(policy.canReadAll(shouty)).isFalse();
  }

  @Test
  void requireReadThrowsAccessDeniedNamingTheDeploymentButNotTheOwner() {
    assertThatThrownBy(() -> policy.requireRead(OTHER, DEPLOYMENT))
        .isInstanceOfSatisfying(
            AccessDeniedException.class,
            e -> assertThat(e.deploymentId()).isEqualTo(DEPLOYMENT.id()))
        .hasMessageContaining("dep-42")
        .hasMessageContaining("read")
        .hasMessageNotContaining("owner-7")
        .hasMessageNotContaining("olivia");
  }

  @Test
  void requireManageThrowsAccessDeniedNamingTheDeploymentButNotTheOwner() {
    assertThatThrownBy(() -> policy.requireManage(NO_ROLES, DEPLOYMENT))
        .isInstanceOfSatisfying(
            AccessDeniedException.class,
            e -> assertThat(e.deploymentId()).isEqualTo(DEPLOYMENT.id()))
        .hasMessageContaining("dep-42")
        .hasMessageContaining("manage")
        .hasMessageNotContaining("owner-7");
  }

  @Test
  void ownerOrAdminIsOneSharedInstance() {
    assertThat(AccessPolicy.ownerOrAdmin()).isSameAs(policy);
    assertThat(policy.toString()).contains("ownerOrAdmin");
  }
}
