package io.coderunner.metrics;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The metrics module binds to core's SPIs only: no other CodeRunner module, no core internals. */
class ArchitectureTest {
  private static final JavaClasses METRICS =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.coderunner.metrics");

  @Test
  void metricsDependsOnlyOnCoreMicrometerAndTheJdk() {
    classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..",
            "io.coderunner.metrics..",
            "io.coderunner.core..",
            "io.micrometer..",
            "org.slf4j..",
            "org.jspecify..",
            "io.github.resilience4j..")
        .check(METRICS);
  }

  @Test
  void metricsDependsOnNoOtherCodeRunnerModule() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.coderunner.websocket..",
            "io.coderunner.server..",
            "io.coderunner.redis..",
            "io.coderunner.client..")
        .check(METRICS);
  }

  @Test
  void metricsUsesNoInternalPackageOfCore() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.coderunner.core..internal..")
        .check(METRICS);
  }
}
