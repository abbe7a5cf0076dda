package dev.likeness.world.render;

import dev.likeness.world.scene.Accessory;
import dev.likeness.world.scene.Colour;
import dev.likeness.world.scene.ObjectAttributes;
import dev.likeness.world.scene.ObjectClass;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.LinearGradientPaint;
import java.awt.MultipleGradientPaint;
import java.awt.RadialGradientPaint;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;

/**
 * Draws one object in its own frame: centred at the origin, extent [-1, 1] on both axes, y down. Each object is a
 * body-coloured silhouette, its pattern clipped to the silhouette, light from the upper left, and a darker outline.
 */
final class ObjectPainter {

    private static final Rectangle2D BOX = new Rectangle2D.Double(-1, -1, 2, 2);
    /** Pattern period in the object frame: about five cells across. */
    private static final double CELL = 0.4;
    private static final float OUTLINE = 0.07f;

    private ObjectPainter() {
    }

    static void paint(Graphics2D canvas, ObjectAttributes o, Placement p) {
        Graphics2D g = (Graphics2D) canvas.create();
        try {
            g.translate(p.x(), p.y());
            g.rotate(p.rotation());
            g.scale(p.mirrored() ? -p.radius() : p.radius(), p.radius());
            Color body = Ink.of(o.colour());
            if (o.accessory() == Accessory.ORBIT) {
                orbit(g, true);
            }
            if (o.accessory() == Accessory.HANDLE) {
                handle(g);
            }
            if (o.objectClass() == ObjectClass.CUBE) {
                cube(g, o, body);
            } else {
                Shape silhouette = silhouette(o.objectClass());
                g.setColor(body);
                g.fill(silhouette);
                Graphics2D clipped = (Graphics2D) g.create();
                clipped.clip(silhouette);
                PatternPainter.paint(clipped, o.pattern(), o.colour(), BOX, CELL);
                shade(clipped, o.objectClass());
                clipped.dispose();
                details(g, o.objectClass(), body);
                outline(g, silhouette, body);
            }
            if (o.accessory() == Accessory.ORBIT) {
                orbit(g, false);
            }
            if (o.accessory() == Accessory.POMPOM) {
                pompom(g);
            }
        } finally {
            g.dispose();
        }
    }

    static Shape silhouette(ObjectClass c) {
        return switch (c) {
            case BALL -> new Ellipse2D.Double(-1, -1, 2, 2);
            case RING -> {
                Area a = new Area(new Ellipse2D.Double(-1, -1, 2, 2));
                a.subtract(new Area(new Ellipse2D.Double(-0.52, -0.52, 1.04, 1.04)));
                yield a;
            }
            case STAR -> star();
            case HEART -> heart();
            case VASE -> vase();
            case CONE -> {
                Path2D.Double tri = new Path2D.Double();
                tri.moveTo(0, -1);
                tri.lineTo(0.72, 0.72);
                tri.lineTo(-0.72, 0.72);
                tri.closePath();
                Area a = new Area(tri);
                a.add(new Area(new Ellipse2D.Double(-0.72, 0.48, 1.44, 0.48)));
                yield a;
            }
            case CYLINDER -> {
                Area a = new Area(new Rectangle2D.Double(-0.62, -0.72, 1.24, 1.44));
                a.add(new Area(new Ellipse2D.Double(-0.62, -0.92, 1.24, 0.4)));
                a.add(new Area(new Ellipse2D.Double(-0.62, 0.52, 1.24, 0.4)));
                yield a;
            }
            case CUBE -> {
                Area a = new Area();
                for (AffineTransform face : cubeFaces()) {
                    a.add(new Area(face.createTransformedShape(new Rectangle2D.Double(0, 0, 1, 1))));
                }
                yield a;
            }
        };
    }

    private static Shape star() {
        Path2D.Double s = new Path2D.Double();
        for (int i = 0; i < 10; i++) {
            double r = i % 2 == 0 ? 1.0 : 0.45;
            double a = -Math.PI / 2 + i * Math.PI / 5;
            double x = r * Math.cos(a);
            double y = r * Math.sin(a) + 0.08; // the five-point star's centroid sits a little below its box centre
            if (i == 0) {
                s.moveTo(x, y);
            } else {
                s.lineTo(x, y);
            }
        }
        s.closePath();
        return s;
    }

    private static Shape heart() {
        Path2D.Double h = new Path2D.Double();
        h.moveTo(0, 0.95);
        h.curveTo(-0.55, 0.55, -1.05, 0.15, -1.0, -0.3);
        h.curveTo(-0.95, -0.85, -0.25, -1.0, 0, -0.5);
        h.curveTo(0.25, -1.0, 0.95, -0.85, 1.0, -0.3);
        h.curveTo(1.05, 0.15, 0.55, 0.55, 0, 0.95);
        h.closePath();
        return h;
    }

    private static Shape vase() {
        Path2D.Double v = new Path2D.Double();
        v.moveTo(-0.34, -1.0);
        v.lineTo(0.34, -1.0);
        v.lineTo(0.22, -0.78);
        v.curveTo(0.2, -0.5, 0.85, -0.35, 0.8, 0.2);
        v.curveTo(0.75, 0.7, 0.45, 0.8, 0.42, 0.92);
        v.lineTo(0.5, 1.0);
        v.lineTo(-0.5, 1.0);
        v.lineTo(-0.42, 0.92);
        v.curveTo(-0.45, 0.8, -0.75, 0.7, -0.8, 0.2);
        v.curveTo(-0.85, -0.35, -0.2, -0.5, -0.22, -0.78);
        v.closePath();
        return v;
    }

    /** Unit square to front, top and right faces of a cube seen from the upper right. */
    private static AffineTransform[] cubeFaces() {
        return new AffineTransform[] {
            new AffineTransform(1.2, 0, 0, 1.2, -0.8, -0.4),
            new AffineTransform(1.2, 0, 0.4, -0.4, -0.8, -0.4),
            new AffineTransform(0.4, -0.4, 0, 1.2, 0.4, -0.4),
        };
    }

    /** Each face carries the pattern in its own plane; the top is lit and the side in shade. */
    private static void cube(Graphics2D g, ObjectAttributes o, Color body) {
        AffineTransform[] faces = cubeFaces();
        Color[] light = {new Color(0, 0, 0, 0), new Color(255, 255, 255, 80), new Color(0, 0, 0, 90)};
        Rectangle2D unit = new Rectangle2D.Double(0, 0, 1, 1);
        for (int i = 0; i < faces.length; i++) {
            Graphics2D f = (Graphics2D) g.create();
            f.transform(faces[i]);
            f.clip(unit);
            f.setColor(body);
            f.fill(unit);
            PatternPainter.paint(f, o.pattern(), o.colour(), unit, CELL / 1.2);
            f.setColor(light[i]);
            f.fill(unit);
            f.dispose();
        }
        Color edge = Ink.darker(body, 0.45);
        g.setColor(edge);
        g.setStroke(new BasicStroke(OUTLINE, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (AffineTransform face : faces) {
            g.draw(face.createTransformedShape(unit));
        }
    }

    private static void shade(Graphics2D g, ObjectClass c) {
        switch (c) {
            case VASE, CONE, CYLINDER -> g.setPaint(new LinearGradientPaint(new Point2D.Double(-1, 0),
                    new Point2D.Double(1, 0), new float[] {0f, 0.4f, 1f},
                    new Color[] {new Color(255, 255, 255, 80), new Color(255, 255, 255, 0), new Color(0, 0, 0, 110)}));
            default -> g.setPaint(new RadialGradientPaint(new Point2D.Double(-0.35, -0.4), 1.45f,
                    new float[] {0f, 0.35f, 0.7f, 1f},
                    new Color[] {new Color(255, 255, 255, 110), new Color(255, 255, 255, 0), new Color(0, 0, 0, 0),
                        new Color(0, 0, 0, 100)}, MultipleGradientPaint.CycleMethod.NO_CYCLE));
        }
        g.fill(BOX);
    }

    /** Rims that make the 3-D shapes read as solids: the vase mouth and the cylinder top. */
    private static void details(Graphics2D g, ObjectClass c, Color body) {
        if (c == ObjectClass.VASE) {
            g.setColor(Ink.darker(body, 0.3));
            g.fill(new Ellipse2D.Double(-0.3, -1.06, 0.6, 0.12));
        } else if (c == ObjectClass.CYLINDER) {
            Shape top = new Ellipse2D.Double(-0.62, -0.92, 1.24, 0.4);
            g.setColor(body.brighter());
            g.fill(top);
            g.setColor(Ink.darker(body, 0.45));
            g.setStroke(new BasicStroke(OUTLINE));
            g.draw(top);
        }
    }

    private static void outline(Graphics2D g, Shape silhouette, Color body) {
        g.setColor(Ink.darker(body, 0.45));
        g.setStroke(new BasicStroke(OUTLINE, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(silhouette);
    }

    /** The coral ear-shaped handle on the right; drawn before the body so its ends tuck behind it. */
    private static void handle(Graphics2D g) {
        Path2D.Double h = new Path2D.Double();
        h.moveTo(0.45, -0.6);
        h.curveTo(1.3, -0.75, 1.3, 0.3, 0.65, 0.3);
        Color coral = Ink.of(Colour.CORAL);
        g.setColor(Ink.darker(coral, 0.45));
        g.setStroke(new BasicStroke(0.24f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(h);
        g.setColor(coral);
        g.setStroke(new BasicStroke(0.14f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(h);
    }

    /** A tilted gold ring; the back half is drawn before the body, the front half after. */
    private static void orbit(Graphics2D g, boolean back) {
        Graphics2D o = (Graphics2D) g.create();
        o.rotate(-0.35);
        o.clip(back ? new Rectangle2D.Double(-2, -2, 4, 2) : new Rectangle2D.Double(-2, 0, 4, 2));
        Shape ring = new Ellipse2D.Double(-1.6, -0.42, 3.2, 0.84);
        Color gold = Ink.of(Colour.GOLD);
        o.setColor(Ink.darker(gold, 0.5));
        o.setStroke(new BasicStroke(0.2f));
        o.draw(ring);
        o.setColor(gold);
        o.setStroke(new BasicStroke(0.12f));
        o.draw(ring);
        o.dispose();
    }

    /** A white fluffy ball on the apex. */
    private static void pompom(Graphics2D g) {
        g.setColor(new Color(0xBDBDBD));
        g.fill(new Ellipse2D.Double(-0.26, -1.28, 0.52, 0.52));
        g.setColor(new Color(0xFFFFFF));
        g.fill(new Ellipse2D.Double(-0.22, -1.26, 0.42, 0.42));
    }
}
