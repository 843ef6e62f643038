package io.coderunner.storage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Storage meets core's SPIs with one engine: no other CodeRunner module, no core internals. */
class ArchitectureTest {
  private static final JavaClasses STORAGE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.coderunner.storage");

  @Test
  void storageDependsOnlyOnCoreSqliteJacksonAndTheJdk() {
    classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..",
            "io.coderunner.storage..",
            "io.coderunner.core..",
            "org.sqlite..",
            "com.fasterxml.jackson..",
            "org.slf4j..",
            "org.jspecify..")
        .check(STORAGE);
  }

  @Test
  void storageUsesNoInternalPackageOfCore() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.coderunner.core..internal..")
        .check(STORAGE);
  }
}
