package com.example.host;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Host} after checking what the artifacts brought onto the class path: no SLF4J
 * provider (SLF4J falls back to its no-operation logger) and no logging configuration file.
 */
public final class EmbeddingCheck {
  private static final List<String> LOGGING_CONFIG =
      List.of(
          "simplelogger.properties",
          "logback.xml",
          "logback-test.xml",
          "log4j2.xml",
          "log4j2-test.xml",
          "log4j.properties",
          "logging.properties");

  public static void main(String[] args) throws Exception {
    String factory = LoggerFactory.getILoggerFactory().getClass().getName();
    if (!factory.equals("org.slf4j.helpers.NOPLoggerFactory")) {
      throw new IllegalStateException("an SLF4J provider came with the artifacts: " + factory);
    }
    List<String> found = new ArrayList<>();
    for (String name : LOGGING_CONFIG) {
      if (EmbeddingCheck.class.getClassLoader().getResource(name) != null) {
        found.add(name);
      }
    }
    if (!found.isEmpty()) {
      throw new IllegalStateException("logging configuration came with the artifacts: " + found);
    }
    System.out.println("host: no SLF4J provider and no logging configuration on the class path");
    Host.main(args);
  }
}
