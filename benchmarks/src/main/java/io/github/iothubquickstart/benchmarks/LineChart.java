package io.github.iothubquickstart.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import javax.imageio.ImageIO;

/** A small line chart drawn with Java2D and saved as PNG: no plotting library needed. */
final class LineChart {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd)};

    record Line(String name, double[] xs, double[] ys) {
    }

    /** A tick on the x axis: position (in x units) and label. */
    record Tick(double x, String label) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Tick> xTicks;
    private final DoubleFunction<String> yFormat;
    private final List<Line> lines = new ArrayList<>();

    LineChart(String title, String xLabel, String yLabel, List<Tick> xTicks, DoubleFunction<String> yFormat) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.xTicks = xTicks;
        this.yFormat = yFormat;
    }

    LineChart add(Line line) {
        lines.add(line);
        return this;
    }

    void save(Path png) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            draw(g);
        } finally {
            g.dispose();
        }
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            ImageIO.write(image, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }

    private void draw(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        double minX = xTicks.stream().mapToDouble(Tick::x).min().orElse(0);
        double maxX = xTicks.stream().mapToDouble(Tick::x).max().orElse(1);
        for (Line line : lines) {
            for (double x : line.xs()) {
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
            }
        }
        double maxY = 0;
        for (Line line : lines) {
            for (double y : line.ys()) {
                maxY = Math.max(maxY, y);
            }
        }
        maxY = niceCeiling(maxY);
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        double spanX = maxX == minX ? 1 : maxX - minX;
        double xMin = minX;
        double yMax = maxY;
        java.util.function.DoubleUnaryOperator px = x -> LEFT + (x - xMin) / spanX * plotWidth;
        java.util.function.DoubleUnaryOperator py = y -> TOP + plotHeight - y / yMax * plotHeight;

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        g.drawString(title, LEFT, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        // grid and y ticks
        for (int i = 0; i <= 5; i++) {
            double y = maxY * i / 5;
            int yy = (int) py.applyAsDouble(y);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(LEFT, yy, LEFT + plotWidth, yy);
            g.setColor(Color.BLACK);
            String label = yFormat.apply(y);
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), yy + 5);
        }
        for (Tick tick : xTicks) {
            int xx = (int) px.applyAsDouble(tick.x());
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(xx, TOP, xx, TOP + plotHeight);
            g.setColor(Color.BLACK);
            g.drawString(tick.label(), xx - g.getFontMetrics().stringWidth(tick.label()) / 2, TOP + plotHeight + 20);
        }
        g.drawRect(LEFT, TOP, plotWidth, plotHeight);
        g.drawString(xLabel, LEFT + plotWidth / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, HEIGHT - 20);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, -(TOP + plotHeight / 2 + rotated.getFontMetrics().stringWidth(yLabel) / 2), 20);
        rotated.dispose();
        // lines and legend
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            g.setColor(COLORS[i % COLORS.length]);
            g.setStroke(new BasicStroke(2.5f));
            Path2D path = new Path2D.Double();
            for (int p = 0; p < line.xs().length; p++) {
                double x = px.applyAsDouble(line.xs()[p]);
                double y = py.applyAsDouble(line.ys()[p]);
                if (p == 0) {
                    path.moveTo(x, y);
                } else {
                    path.lineTo(x, y);
                }
                if (line.xs().length <= 12) {
                    g.fillOval((int) x - 4, (int) y - 4, 8, 8);
                }
            }
            g.draw(path);
            int legendY = TOP + 20 + i * 20;
            g.drawLine(LEFT + 15, legendY - 5, LEFT + 45, legendY - 5);
            g.setColor(Color.BLACK);
            g.drawString(line.name(), LEFT + 52, legendY);
        }
    }

    private static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
