package io.coderunner.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps core free of our other modules and of transport libraries, and internals at home. */
class ArchitectureTest {
  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.coderunner.core");

  @Test
  void coreDependsOnlyOnTheJdkAndItsDeclaredLibraries() {
    classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..",
            "javax.crypto..",
            "io.coderunner.core..",
            "com.fasterxml.jackson..",
            "com.auth0.jwt..",
            "org.slf4j..",
            "org.jspecify..")
        .check(CORE);
  }

  @Test
  void coreDependsOnNoOtherCodeRunnerModule() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.coderunner.websocket..",
            "io.coderunner.metrics..",
            "io.coderunner.redis..",
            "io.coderunner.client..",
            "io.coderunner.server..")
        .check(CORE);
  }

  @Test
  void internalPackagesAreUsedOnlyByTheirOwnFeature() {
    for (String feature : new String[] {"log", "protocol", "auth"}) {
      String owner = "io.coderunner.core." + feature + "..";
      noClasses()
          .that()
          .resideOutsideOfPackage(owner)
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.coderunner.core." + feature + ".internal..")
          .allowEmptyShould(true)
          .check(CORE);
    }
  }

  @Test
  void publicApiDoesNotExposeJackson() {
    noClasses()
        .that()
        .resideOutsideOfPackage("..internal..")
        .and()
        .arePublic()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.fasterxml.jackson..")
        .allowEmptyShould(true)
        .check(CORE);
  }
}
