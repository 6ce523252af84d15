package io.pado.cluster;

/** Prints a free loopback port, for scripts that start servers which have no "port 0". */
final class FreePort {
    private FreePort() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(Tools.freePort());
    }
}
