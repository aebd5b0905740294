// The bench's figure as a self-contained SVG: horizontal bars of throughput and of peak RSS, one row per
// measurement, with the RSS target drawn as a line. No plotting library: plain SVG elements.
import type { Measurement } from './bench-types';
import { mbPerSecond } from './bench-types';

interface Bar {
  label: string;
  value: number;
  text: string;
  snapseal: boolean;
}

interface Panel {
  title: string;
  bars: Bar[];
  /** A vertical reference line (a target), with its label. */
  line?: { value: number; label: string };
}

const WIDTH = 900;
const LABEL_WIDTH = 250;
const VALUE_WIDTH = 90;
const BAR_HEIGHT = 22;
const GAP = 8;
const COLORS = { snapseal: '#2f6fb0', other: '#9aa4ae', line: '#c0392b', text: '#222' };

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function panel(p: Panel, top: number): { svg: string; height: number } {
  const plotWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 20;
  const max = Math.max(...p.bars.map((b) => b.value), p.line?.value ?? 0) * 1.05 || 1;
  const x = (v: number): number => LABEL_WIDTH + (v / max) * plotWidth;
  const parts: string[] = [
    `<text x="10" y="${top + 18}" font-size="16" font-weight="bold" fill="${COLORS.text}">${escapeXml(p.title)}</text>`,
  ];
  let y = top + 32;
  for (const b of p.bars) {
    const w = Math.max(1, x(b.value) - LABEL_WIDTH);
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT * 0.7}" font-size="12" text-anchor="end" fill="${COLORS.text}">${escapeXml(b.label)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" fill="${b.snapseal ? COLORS.snapseal : COLORS.other}"/>`,
      `<text x="${(LABEL_WIDTH + w + 6).toFixed(1)}" y="${y + BAR_HEIGHT * 0.7}" font-size="12" fill="${COLORS.text}">${escapeXml(b.text)}</text>`,
    );
    y += BAR_HEIGHT + GAP;
  }
  if (p.line) {
    const lx = x(p.line.value).toFixed(1);
    parts.push(
      `<line x1="${lx}" y1="${top + 28}" x2="${lx}" y2="${y - GAP + 4}" stroke="${COLORS.line}" stroke-width="2" stroke-dasharray="6 4"/>`,
      `<text x="${lx}" y="${y + 10}" font-size="11" text-anchor="middle" fill="${COLORS.line}">${escapeXml(p.line.label)}</text>`,
    );
    y += 14;
  }
  return { svg: parts.join('\n'), height: y - top + 10 };
}

/** The label without its parenthesised detail: "shell pipeline (rclone → ...)" → "shell pipeline". */
const shortLabel = (m: Measurement): string => m.label.replace(/\s*\(.*\)$/, '');

export function renderResultsSvg(measurements: Measurement[], title: string, rssTargetMiB: number): string {
  const throughput: Panel = {
    title: 'Throughput, MB/s of snapshot data (snapseal: streaming phase), higher is better',
    bars: measurements.map((m) => ({
      label: shortLabel(m),
      value: mbPerSecond(m),
      text: `${mbPerSecond(m).toFixed(1)} MB/s`,
      snapseal: m.id.startsWith('snapseal'),
    })),
  };
  const withRss = measurements.filter((m) => m.peakRssBytes !== undefined);
  const rss: Panel = {
    title: 'Peak RSS, MiB (largest process or stage), lower is better',
    bars: withRss.map((m) => ({
      label: shortLabel(m),
      value: (m.peakRssBytes ?? 0) / 2 ** 20,
      text: `${Math.round((m.peakRssBytes ?? 0) / 2 ** 20)} MiB`,
      snapseal: m.id.startsWith('snapseal'),
    })),
    line: { value: rssTargetMiB, label: `target ${rssTargetMiB} MiB` },
  };
  const header = `<text x="10" y="24" font-size="18" font-weight="bold" fill="${COLORS.text}">${escapeXml(title)}</text>`;
  const first = panel(throughput, 40);
  const second = panel(rss, 40 + first.height + 20);
  const height = 40 + first.height + 20 + second.height + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    header,
    first.svg,
    second.svg,
    '</svg>',
    '',
  ].join('\n');
}
