import { createRequire } from "node:module";
import { renderAsync } from "@resvg/resvg-js";
import { BarChart } from "echarts/charts";
import { GraphicComponent, GridComponent, TitleComponent } from "echarts/components";
import { type EChartsCoreOption, init, use } from "echarts/core";
import { SVGRenderer } from "echarts/renderers";

use([BarChart, GridComponent, TitleComponent, GraphicComponent, SVGRenderer]);

/** Phone-first: Telegram shows photos at the screen's width, and a phone screen is about 1080 px wide. */
export const CHART_WIDTH = 1080;

/**
 * The font ships as an npm dependency and system fonts are never loaded, so every machine renders the same
 * picture. DejaVu Sans covers Latin with accents, Greek, Cyrillic, Hebrew and Arabic.
 */
export const CHART_FONT = "DejaVu Sans";
const require = createRequire(import.meta.url);
const FONT_FILES = [
  require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"),
  require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"),
];

/** Okabe–Ito, the colour-blind-safe palette; its black and yellow are left out (no contrast on white / a bar). */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"] as const;

export const INK = "#1f2328";
export const MUTED = "#57606a";
export const GRID_LINE = "#d0d7de";

export interface ChartImage {
  png: Buffer;
  width: number;
  height: number;
}

/** resvg's `shape-rendering`: crisp edges skip anti-aliasing of the bars, lines and grid (axis-aligned anyway). */
const CRISP_EDGES = 1;
/** resvg's `text-rendering`: text stays anti-aliased. */
const OPTIMIZE_LEGIBILITY = 1;

/**
 * Apache ECharts' server-side SVG (no DOM, no canvas), then resvg turns it into a PNG. resvg parses, lays out the
 * text and rasterises on libuv's thread pool (renderAsync), so the bot's event loop is not held for that time.
 */
export async function renderChart(option: EChartsCoreOption, height: number): Promise<ChartImage> {
  const chart = init(null, null, { renderer: "svg", ssr: true, width: CHART_WIDTH, height });
  let svg: string;
  try {
    chart.setOption({
      animation: false,
      backgroundColor: "#ffffff",
      textStyle: { fontFamily: CHART_FONT, color: INK },
      ...option,
    });
    svg = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  const image = await renderAsync(svg, {
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: CHART_FONT },
    shapeRendering: CRISP_EDGES,
    textRendering: OPTIMIZE_LEGIBILITY,
  });
  const png = image.asPng();
  return { png, width: CHART_WIDTH, height };
}
