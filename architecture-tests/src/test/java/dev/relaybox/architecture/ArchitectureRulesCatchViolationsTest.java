package dev.relaybox.architecture;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Proves the rules can fail. Each rule of {@link ArchitectureRules} has one fixture under
 * {@code dev.relaybox.archfixture.violations.<case>} that mirrors the real package layout below its own root and
 * breaks exactly that rule; {@code dev.relaybox.archfixture.compliant} is a small well-formed architecture that
 * every rule accepts.
 */
class ArchitectureRulesCatchViolationsTest {

  private static final String VIOLATIONS = ProductionClasses.FIXTURE_ROOT + ".violations.";
  private static final String COMPLIANT_ROOT = ProductionClasses.FIXTURE_ROOT + ".compliant";

  /** One per production rule: the rule's factory, its fixture root and the class that commits the violation. */
  record Violation(String rule, Function<String, ArchRule> factory, String fixture, String offender) {
    String root() {
      return VIOLATIONS + fixture;
    }

    ArchRule ruleFor(String root) {
      return factory.apply(root);
    }

    @Override
    public String toString() {
      return rule + " <- " + fixture;
    }
  }

  private static final List<Violation> VIOLATION_FIXTURES = List.of(
      new Violation("DOMAIN_DEPENDS_ON_JDK_ONLY", ArchitectureRules::domainDependsOnJdkOnly,
          "domainjdkonly", "domain.order.LoggingOrder"),
      new Violation("APPLICATION_DEPENDS_ON_DOMAIN_SLF4J_AND_JDK_ONLY",
          ArchitectureRules::applicationDependsOnDomainSlf4jAndJdkOnly,
          "applicationdeps", "application.order.JdbiOrderLookup"),
      new Violation("ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER", ArchitectureRules::adaptersDoNotDependOnEachOther,
          "adapters", "adapters.http.order.OrderRoutes"),
      new Violation("NOTIFY_CHANNELS_DO_NOT_DEPEND_ON_EACH_OTHER",
          ArchitectureRules::notifyChannelsDoNotDependOnEachOther,
          "notifychannels", "adapters.notify.slack.SlackChannel"),
      new Violation("ONLY_BOOTSTRAP_DEPENDS_ON_BOOTSTRAP", ArchitectureRules::onlyBootstrapDependsOnBootstrap,
          "bootstrap", "adapters.persistence.shared.PoolSettings"),
      new Violation("USE_CASES_RESIDE_IN_PORT_IN", ArchitectureRules::useCasesResideInPortIn,
          "usecase", "application.shared.service.ArchiveOrderUseCase"),
      new Violation("DOMAIN_CONTEXTS_ARE_FREE_OF_CYCLES", ArchitectureRules::domainContextsAreFreeOfCycles,
          "domaincycle", "domain.order.Order"),
      new Violation("APPLICATION_CONTEXTS_ARE_FREE_OF_CYCLES",
          ArchitectureRules::applicationContextsAreFreeOfCycles,
          "applicationcycle", "application.order.PlaceOrderService"));

  private static final Map<String, JavaClasses> IMPORTED = new ConcurrentHashMap<>();

  private static JavaClasses fixtureClasses(String root) {
    return IMPORTED.computeIfAbsent(root, r -> new ClassFileImporter().importPackages(r));
  }

  @Test
  void everyProductionRuleHasExactlyOneViolationFixtureBuiltFromTheSameFactory() {
    Map<String, ArchRule> production = ProductionClasses.rules();
    assertEquals(production.keySet(),
        VIOLATION_FIXTURES.stream().map(Violation::rule).collect(Collectors.toCollection(java.util.TreeSet::new)),
        "every public ArchRule in ArchitectureRules needs one violation fixture here, and only those");
    assertEquals(VIOLATION_FIXTURES.size(), production.size(), "one fixture per rule");
    for (Violation violation : VIOLATION_FIXTURES) {
      assertEquals(production.get(violation.rule()).getDescription(),
          violation.ruleFor(ArchitectureRules.PRODUCTION_ROOT).getDescription(),
          violation.rule() + " must be the factory applied to " + ArchitectureRules.PRODUCTION_ROOT);
    }
  }

  /** allowEmptyShould(true): the rule may only fail because of a real violation, never because it saw nothing. */
  @TestFactory
  Stream<DynamicTest> eachRuleRejectsItsOwnViolation() {
    return VIOLATION_FIXTURES.stream().map(violation -> DynamicTest.dynamicTest(violation.toString(), () -> {
      JavaClasses fixtureClasses = fixtureClasses(violation.root());
      String offender = violation.root() + "." + violation.offender();
      assertTrue(fixtureClasses.contain(offender), "fixture not imported: " + offender);
      ArchRule rule = violation.ruleFor(violation.root()).allowEmptyShould(true);
      AssertionError failure = assertThrows(AssertionError.class, () -> rule.check(fixtureClasses));
      assertTrue(failure.getMessage().contains(offender),
          "the failure should name " + offender + " but was:\n" + failure.getMessage());
    }));
  }

  @TestFactory
  Stream<DynamicTest> eachViolationBreaksNoOtherRule() {
    return VIOLATION_FIXTURES.stream().flatMap(fixture -> VIOLATION_FIXTURES.stream()
        .filter(other -> other != fixture)
        .map(other -> DynamicTest.dynamicTest(other.rule() + " accepts fixture " + fixture.fixture(), () -> {
          ArchRule rule = other.ruleFor(fixture.root()).allowEmptyShould(true);
          assertDoesNotThrow(() -> rule.check(fixtureClasses(fixture.root())));
        })));
  }

  /** Without allowEmptyShould: each rule finds subjects in a realistic layout and lets legal dependencies pass. */
  @TestFactory
  Stream<DynamicTest> everyRuleAcceptsTheCompliantArchitecture() {
    return VIOLATION_FIXTURES.stream().map(violation -> DynamicTest.dynamicTest(violation.rule(),
        () -> violation.ruleFor(COMPLIANT_ROOT).check(fixtureClasses(COMPLIANT_ROOT))));
  }
}
