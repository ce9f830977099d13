package dev.relaybox.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Imports the real production classes once per test JVM and lists the production rules. */
final class ProductionClasses {

  /** Where the deliberate violations live; never part of the production import. */
  static final String FIXTURE_ROOT = "dev.relaybox.archfixture";

  private static volatile JavaClasses imported;

  private ProductionClasses() {}

  static JavaClasses get() {
    JavaClasses classes = imported;
    if (classes == null) {
      synchronized (ProductionClasses.class) {
        classes = imported;
        if (classes == null) {
          classes = new ClassFileImporter()
              .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
              .withImportOption(location -> !location.contains("/" + FIXTURE_ROOT.replace('.', '/') + "/"))
              .importPackages(ArchitectureRules.PRODUCTION_ROOT);
          imported = classes;
        }
      }
    }
    return classes;
  }

  /** Every {@code public static final ArchRule} field of {@link ArchitectureRules}, by field name. */
  static Map<String, ArchRule> rules() {
    return Arrays.stream(ArchitectureRules.class.getDeclaredFields())
        .filter(f -> f.getType() == ArchRule.class)
        .filter(f -> Modifier.isPublic(f.getModifiers()) && Modifier.isStatic(f.getModifiers())
            && Modifier.isFinal(f.getModifiers()))
        .collect(Collectors.toMap(Field::getName, ProductionClasses::read, (a, b) -> a, TreeMap::new));
  }

  private static ArchRule read(Field field) {
    try {
      return (ArchRule) field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
