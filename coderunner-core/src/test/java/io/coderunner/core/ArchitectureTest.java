package io.coderunner.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
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
            "io.coderunner.storage..",
            "io.coderunner.redis..",
            "io.coderunner.client..",
            "io.coderunner.server..")
        .check(CORE);
  }

  @Test
  void internalPackagesAreUsedOnlyByTheirOwnFeature() {
    for (String feature : new String[] {"log", "protocol", "auth", "follow"}) {
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
  void publicSignaturesExposeNoLibraryTypes() {
    classes()
        .that()
        .arePublic()
        .and()
        .resideOutsideOfPackage("..internal..")
        .should(exposeNoTypesFrom("com.fasterxml.jackson", "com.auth0.jwt"))
        .check(CORE);
  }

  /** Public and protected members may not mention a type from these packages in a signature. */
  private static ArchCondition<JavaClass> exposeNoTypesFrom(String... prefixes) {
    return new ArchCondition<>("expose no types from " + String.join(", ", prefixes)) {
      @Override
      public void check(JavaClass clazz, ConditionEvents events) {
        for (JavaMember member : clazz.getMembers()) {
          if (!member.getModifiers().contains(JavaModifier.PUBLIC)
              && !member.getModifiers().contains(JavaModifier.PROTECTED)) {
            continue;
          }
          List<JavaClass> types = new ArrayList<>();
          if (member instanceof JavaField field) {
            types.add(field.getRawType());
          } else if (member instanceof JavaCodeUnit unit) {
            types.add(unit.getRawReturnType());
            types.addAll(unit.getRawParameterTypes());
          }
          for (JavaClass type : types) {
            for (String prefix : prefixes) {
              if (type.getName().startsWith(prefix)) {
                events.add(
                    SimpleConditionEvent.violated(
                        member, member.getFullName() + " exposes " + type.getName()));
              }
            }
          }
        }
      }
    };
  }
}
