package io.coderunner.websocket;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The broadcaster meets other modules only through core, and uses only core's public API. */
class ArchitectureTest {
  private static final JavaClasses WEBSOCKET =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.coderunner.websocket");

  @Test
  void dependsOnNoOtherCodeRunnerModuleButCore() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.coderunner.metrics..",
            "io.coderunner.redis..",
            "io.coderunner.client..",
            "io.coderunner.server..")
        .check(WEBSOCKET);
  }

  @Test
  void usesNoInternalsOfCore() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.coderunner.core..internal..")
        .check(WEBSOCKET);
  }

  @Test
  void publicMethodsReturnNoInternalType() {
    methods()
        .that()
        .arePublic()
        .and()
        .areDeclaredInClassesThat()
        .resideInAPackage("io.coderunner.websocket")
        .should()
        .notHaveRawReturnType(JavaClass.Predicates.resideInAPackage("..internal.."))
        .check(WEBSOCKET);
  }
}
