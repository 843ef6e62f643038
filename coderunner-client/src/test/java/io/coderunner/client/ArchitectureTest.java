package io.coderunner.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The SDK needs core, Jackson and the JDK (its {@code java.net.http}) and nothing else, so a host
 * that adds it gets no HTTP stack, logging provider or server code along.
 */
class ArchitectureTest {
  private static final JavaClasses CLIENT =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.coderunner.client");

  @Test
  void dependsOnlyOnCoreJacksonAndTheJdk() {
    classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..",
            "javax.annotation..",
            "io.coderunner.client..",
            "io.coderunner.core..",
            "com.fasterxml.jackson..",
            "org.jspecify..")
        .check(CLIENT);
  }

  @Test
  void usesNoInternalsOfCore() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.coderunner.core..internal..")
        .check(CLIENT);
  }

  @Test
  void publicMethodsReturnNoInternalType() {
    methods()
        .that()
        .arePublic()
        .and()
        .areDeclaredInClassesThat()
        .resideInAPackage("io.coderunner.client")
        .should()
        .notHaveRawReturnType(JavaClass.Predicates.resideInAPackage("..internal.."))
        .check(CLIENT);
  }
}
