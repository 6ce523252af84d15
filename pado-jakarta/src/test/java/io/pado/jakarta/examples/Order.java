package io.pado.jakarta.examples;

/** A message of the {@link Orders} endpoint, sent as JSON. */
public record Order(String item, int quantity) {
}
