package dev.relaybox.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The module rules of DESIGN.md §2 and §3, written once.
 *
 * <p>Each rule is a factory over a root package so the very same definition can be checked against the
 * production classes ({@value #PRODUCTION_ROOT}) and against the deliberate violations kept under
 * {@code dev.relaybox.archfixture.violations}. The {@code public static final} fields are the production
 * rules; {@link ArchitectureTest} checks every one of them, and {@link ArchitectureRulesCatchViolationsTest}
 * demands a violation fixture for every one of them.
 */
public final class ArchitectureRules {

  public static final String PRODUCTION_ROOT = "dev.relaybox";

  public static final ArchRule DOMAIN_DEPENDS_ON_JDK_ONLY = domainDependsOnJdkOnly(PRODUCTION_ROOT);
  public static final ArchRule APPLICATION_DEPENDS_ON_DOMAIN_SLF4J_AND_JDK_ONLY =
      applicationDependsOnDomainSlf4jAndJdkOnly(PRODUCTION_ROOT);
  public static final ArchRule ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER = adaptersDoNotDependOnEachOther(PRODUCTION_ROOT);
  public static final ArchRule NOTIFY_CHANNELS_DO_NOT_DEPEND_ON_EACH_OTHER =
      notifyChannelsDoNotDependOnEachOther(PRODUCTION_ROOT);
  public static final ArchRule ONLY_BOOTSTRAP_DEPENDS_ON_BOOTSTRAP = onlyBootstrapDependsOnBootstrap(PRODUCTION_ROOT);
  public static final ArchRule USE_CASES_RESIDE_IN_PORT_IN = useCasesResideInPortIn(PRODUCTION_ROOT);
  public static final ArchRule DOMAIN_CONTEXTS_ARE_FREE_OF_CYCLES = domainContextsAreFreeOfCycles(PRODUCTION_ROOT);
  public static final ArchRule APPLICATION_CONTEXTS_ARE_FREE_OF_CYCLES =
      applicationContextsAreFreeOfCycles(PRODUCTION_ROOT);

  private ArchitectureRules() {}

  /** Rule 1: {@code domain} is pure Java. No javax/jakarta, no third party, no other Relaybox module. */
  public static ArchRule domainDependsOnJdkOnly(String root) {
    return classes()
        .that().resideInAPackage(root + ".domain..")
        .should().onlyDependOnClassesThat().resideInAnyPackage(root + ".domain..", "java..")
        .because("the domain is pure Java and depends on the JDK only (DESIGN.md §2)");
  }

  /** Rule 2: {@code application} sees the domain, slf4j and the JDK; everything else is behind a port. */
  public static ArchRule applicationDependsOnDomainSlf4jAndJdkOnly(String root) {
    return classes()
        .that().resideInAPackage(root + ".application..")
        .should().onlyDependOnClassesThat()
        .resideInAnyPackage(root + ".application..", root + ".domain..", "org.slf4j..", "java..")
        .because("application may depend on domain and slf4j only; technology lives in adapters (DESIGN.md §2)");
  }

  /** Rule 3: adapter modules ({@code adapters.http}, {@code adapters.persistence}, ...) never see each other. */
  public static ArchRule adaptersDoNotDependOnEachOther(String root) {
    return slices()
        .matching(root + ".adapters.(*)..")
        .namingSlices("adapter '$1'")
        .should().notDependOnEachOther()
        .because("adapters meet only through application ports and bootstrap wiring (DESIGN.md §2)");
  }

  /**
   * Rule 3, notify channels: {@code adapters-notify/*} sub-modules share the {@code adapters.notify} package,
   * so one channel ({@code adapters.notify.slack}) must not reach into another ({@code adapters.notify.email}).
   * No channel module exists yet, so an empty import is allowed; the rule bites as soon as channels arrive.
   */
  public static ArchRule notifyChannelsDoNotDependOnEachOther(String root) {
    return slices()
        .matching(root + ".adapters.notify.(*)..")
        .namingSlices("notify channel '$1'")
        .should().notDependOnEachOther()
        .because("each channel is its own module discovered through ServiceLoader (DESIGN.md §2)")
        .allowEmptyShould(true);
  }

  /** Rule 4 (covers rule 7 too): only {@code bootstrap} knows {@code bootstrap}. */
  public static ArchRule onlyBootstrapDependsOnBootstrap(String root) {
    return noClasses()
        .that().resideInAPackage(root + "..")
        .and().resideOutsideOfPackage(root + ".bootstrap..")
        .should().dependOnClassesThat().resideInAPackage(root + ".bootstrap..")
        .because("bootstrap wires everything and nothing depends on it (DESIGN.md §2)");
  }

  /** Rule 5: inbound ports are {@code VerbNounUseCase} interfaces in {@code port.in}. */
  public static ArchRule useCasesResideInPortIn(String root) {
    return classes()
        .that().resideInAPackage(root + "..")
        .and().areInterfaces()
        .and().haveSimpleNameEndingWith("UseCase")
        .should().resideInAPackage("..port.in..")
        .because("inbound ports are interfaces named VerbNounUseCase in port.in (DESIGN.md §3)");
  }

  /** Rule 6: the contexts of {@code domain} (assistance, purchase, payment, order, shared) form no cycle. */
  public static ArchRule domainContextsAreFreeOfCycles(String root) {
    return contextsAreFreeOfCycles(root, "domain");
  }

  /** Rule 6: the contexts of {@code application} form no cycle. */
  public static ArchRule applicationContextsAreFreeOfCycles(String root) {
    return contextsAreFreeOfCycles(root, "application");
  }

  private static ArchRule contextsAreFreeOfCycles(String root, String module) {
    return slices()
        .matching(root + "." + module + ".(*)..")
        .namingSlices(module + " context '$1'")
        .should().beFreeOfCycles()
        .because(module + " is split by context and contexts must not depend on each other in a cycle (DESIGN.md §2)");
  }
}
