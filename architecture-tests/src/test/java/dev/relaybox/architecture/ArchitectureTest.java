package dev.relaybox.architecture;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every rule of {@link ArchitectureRules} holds on the real production classes of every module. */
class ArchitectureTest {

  @TestFactory
  Stream<DynamicTest> productionClassesFollowEveryRule() {
    JavaClasses production = ProductionClasses.get();
    return ProductionClasses.rules().entrySet().stream()
        .map(rule -> DynamicTest.dynamicTest(rule.getKey(), () -> rule.getValue().check(production)));
  }

  @Test
  void productionImportCoversEveryModuleAndNoFixture() {
    JavaClasses production = ProductionClasses.get();
    List<String> moduleRoots = List.of(
        "dev.relaybox.domain.",
        "dev.relaybox.application.",
        "dev.relaybox.adapters.persistence.",
        "dev.relaybox.adapters.http.",
        "dev.relaybox.bootstrap.");
    assertAll(Stream.concat(
        moduleRoots.stream().map(root -> () -> assertTrue(
            production.stream().anyMatch(c -> c.getName().startsWith(root)),
            "no production class imported under " + root)),
        Stream.of(() -> assertFalse(
            production.stream().map(JavaClass::getName)
                .anyMatch(name -> name.startsWith(ProductionClasses.FIXTURE_ROOT + ".")
                    || name.startsWith("dev.relaybox.architecture.")),
            "test classes or violation fixtures leaked into the production import"))));
  }
}
