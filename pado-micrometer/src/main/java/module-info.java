/**
 * pado's metrics as Micrometer meters: {@link io.pado.micrometer.PadoMetrics} binds a pado
 * {@link io.pado.Server}'s or {@link io.pado.Client}'s counters to any {@code MeterRegistry}.
 */
@SuppressWarnings("requires-transitive-automatic") // Micrometer's jars name their module in the manifest only
module io.pado.micrometer {
    requires transitive io.pado;
    requires transitive micrometer.core;

    exports io.pado.micrometer;
}
