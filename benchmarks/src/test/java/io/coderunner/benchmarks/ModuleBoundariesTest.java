package io.coderunner.benchmarks;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Benchmarks measure the public API a host uses, never a module's internals. */
class ModuleBoundariesTest {
  private static final JavaClasses BENCHMARKS =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.coderunner.benchmarks");

  @Test
  void benchmarksDoNotReachIntoInternalPackages() {
    noClasses()
        .that()
        .resideInAPackage("io.coderunner.benchmarks..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.coderunner..internal..")
        .check(BENCHMARKS);
  }
}
