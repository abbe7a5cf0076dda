package dev.likeness.deploy;

/** Prints `helm template` output of the chart for a values set: a debugging aid (java RenderManifests keda.yaml). */
final class RenderManifests {

    private RenderManifests() {
    }

    public static void main(String[] args) {
        System.out.print(Chart.template(args.length == 0 ? null : args[0]));
    }
}
