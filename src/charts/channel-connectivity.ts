/**
 * Channel connectivity: which channel of one stage feeds which channel of the next, for a stack of
 * (grouped) convolutions and channel shuffles, drawn as a wiring diagram.
 *
 * A grouped conv (in -> out, groups g) splits both sides into g blocks: output channel o belongs
 * to group floor(o / (out/g)) and reads exactly the in/g input channels of that group (PyTorch's
 * nn.Conv2d "groups"). A channel shuffle with g groups (ShuffleNet; torch's channel_shuffle) views
 * C channels as (g, C/g), transposes to (C/g, g) and flattens: output j takes input
 * (j mod g) C/g + floor(j / g).
 */
import * as Plot from "@observablehq/plot";
import { check } from "../core/errors.js";
import { checkNonEmptyArray, checkPositiveInteger, formatValue } from "../core/validate.js";
import { checkChartOptions, plotChart, type Chart, type ChartOptions } from "./chart-options.js";

/** One stage of a channel stack: a (grouped) convolution or a channel shuffle. */
export type ChannelStage =
  | { type: "conv"; inChannels: number; outChannels: number; groups?: number; label?: string }
  | { type: "shuffle"; groups: number; label?: string };

/** One wire: channel `from` of column `stage - 1` feeds channel `to` of column `stage`. */
export interface ChannelLink {
  /** 1 for the first stage (from the input column), 2 for the second, ... */
  stage: number;
  from: number;
  to: number;
  /** The conv group the wire belongs to (for a shuffle: the group of the channel it moves). */
  group: number;
}

/** Channel counts of every column: the input, then after each stage. Throws on a mismatch. */
export function channelCounts(stages: readonly ChannelStage[], op = "channelCounts"): number[] {
  checkNonEmptyArray(op, "stages", stages, "stages");
  stages.forEach((stage, i) =>
    check(
      typeof stage === "object" && stage !== null,
      op,
      () => `stage ${i} must be an object like {type: "conv", inChannels, outChannels}, got ${formatValue(stage)}`,
    ),
  );
  const first = stages[0]!;
  check(
    first.type === "conv",
    op,
    () => `the first stage must be a conv (it fixes the input channels), got ${formatValue(first.type)}`,
  );
  const counts = [first.inChannels];
  stages.forEach((stage, i) => {
    const channels = counts[i]!;
    if (stage.type === "conv") {
      const { inChannels, outChannels, groups = 1 } = stage;
      check(
        inChannels === channels,
        op,
        () => `stage ${i} expects ${inChannels} input channels but receives ${channels}`,
      );
      for (const [name, value] of [
        ["inChannels", inChannels],
        ["outChannels", outChannels],
        ["groups", groups],
      ] as const) {
        checkPositiveInteger(op, `stage ${i}: ${name}`, value);
      }
      check(
        inChannels % groups === 0 && outChannels % groups === 0,
        op,
        () =>
          `stage ${i}: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups})`,
      );
      counts.push(outChannels);
    } else if (stage.type === "shuffle") {
      const { groups } = stage;
      check(
        Number.isInteger(groups) && groups >= 1 && channels % groups === 0,
        op,
        () =>
          `stage ${i}: shuffle groups must be a positive divisor of the channels (${channels}), got ${formatValue(groups)}`,
      );
      counts.push(channels);
    } else {
      check(
        false,
        op,
        () =>
          `stage ${i}: unknown type ${formatValue((stage as { type: unknown }).type)}; expected "conv" or "shuffle"`,
      );
    }
  });
  return counts;
}

/** Every wire of the stack, stage by stage, in (stage, to, from) order. */
export function channelLinks(stages: readonly ChannelStage[]): ChannelLink[] {
  return linksOf(stages, channelCounts(stages, "channelLinks"));
}

/** channelLinks of stages whose channel counts channelCounts checked. */
function linksOf(stages: readonly ChannelStage[], counts: readonly number[]): ChannelLink[] {
  const links: ChannelLink[] = [];
  stages.forEach((stage, i) => {
    const channels = counts[i]!;
    if (stage.type === "conv") {
      const groups = stage.groups ?? 1;
      const inPer = stage.inChannels / groups;
      const outPer = stage.outChannels / groups;
      for (let to = 0; to < stage.outChannels; to++) {
        const group = Math.floor(to / outPer);
        for (let from = group * inPer; from < (group + 1) * inPer; from++)
          links.push({ stage: i + 1, from, to, group });
      }
    } else {
      const per = channels / stage.groups;
      for (let to = 0; to < channels; to++) {
        const from = (to % stage.groups) * per + Math.floor(to / stage.groups);
        links.push({ stage: i + 1, from, to, group: Math.floor(from / per) });
      }
    }
  });
  return links;
}

/**
 * reach[o][i]: true when input channel i (first column) reaches output channel o (last column)
 * through the stack, i.e. o's value can depend on i. `op` names the caller in errors (channelReachMatrix).
 */
export function channelReach(stages: readonly ChannelStage[], op = "channelReach"): boolean[][] {
  const counts = channelCounts(stages, op);
  const links = linksOf(stages, counts);
  // reach of each channel of the current column, as a set of first-column channels
  let reach: boolean[][] = Array.from({ length: counts[0]! }, (_, c) =>
    Array.from({ length: counts[0]! }, (_, i) => i === c),
  );
  stages.forEach((_, s) => {
    const next: boolean[][] = Array.from({ length: counts[s + 1]! }, () => new Array<boolean>(counts[0]!).fill(false));
    for (const { from, to } of links.filter((l) => l.stage === s + 1)) {
      next[to] = next[to]!.map((r, i) => r || reach[from]![i]!);
    }
    reach = next;
  });
  return reach;
}

/** A stage's label: its own, or "conv 4->4, g=2" / "shuffle g=2". */
export function stageLabel(stage: ChannelStage): string {
  check(
    typeof stage === "object" && stage !== null && (stage.type === "conv" || stage.type === "shuffle"),
    "stageLabel",
    () =>
      `stage must be a stage like {type: "conv", inChannels, outChannels} or {type: "shuffle", groups}, got ${formatValue(stage)}`,
  );
  if (stage.label !== undefined) return stage.label;
  return stage.type === "conv"
    ? `conv ${stage.inChannels}→${stage.outChannels}, g=${stage.groups ?? 1}`
    : `shuffle g=${stage.groups}`;
}

export interface ChannelConnectivityOptions extends ChartOptions {
  /** Label of the first column (default "input"). */
  inputLabel?: string;
  /**
   * Emphasise every wire on a path into this channel of the last column; the others fade. Shows
   * which inputs one output channel sees.
   */
  highlight?: number;
}

/**
 * The wiring diagram of a channel stack: one column of channels per stage (input on the left),
 * one line per wire, coloured by group. `highlight` traces the paths into one output channel.
 */
export function channelConnectivity(
  stages: readonly ChannelStage[],
  allOptions: ChannelConnectivityOptions = {},
): Chart {
  const checked = checkChartOptions("channelConnectivity", allOptions, ["inputLabel", "highlight"]);
  const { inputLabel = "input", highlight, ...options } = checked;
  check(
    typeof inputLabel === "string",
    "channelConnectivity",
    () => `inputLabel must be a string, got ${formatValue(inputLabel)}`,
  );
  const counts = channelCounts(stages, "channelConnectivity");
  const links = linksOf(stages, counts);
  const last = counts.length - 1;
  if (highlight !== undefined) {
    check(
      Number.isInteger(highlight) && highlight >= 0 && highlight < counts[last]!,
      "channelConnectivity",
      () => `highlight must be a channel of the last column (0..${counts[last]! - 1}), got ${formatValue(highlight)}`,
    );
  }
  const onPath = pathsInto(links, counts, highlight);
  const nodes = counts.flatMap((n, column) =>
    Array.from({ length: n }, (_, channel) => ({ column, channel, lit: onPath.nodes.has(`${column}:${channel}`) })),
  );
  const wires = links.map((l) => ({ ...l, lit: onPath.links.has(l) }));
  const maxChannels = Math.max(...counts);
  const labels = [inputLabel, ...stages.map(stageLabel)].map((label, column) => ({ column, label }));
  const faded = highlight === undefined ? 0.8 : 0.15;
  return plotChart(
    {
      width: Math.max(240, 150 * counts.length),
      height: 60 + 24 * maxChannels,
      marginTop: 30,
      marginLeft: 30,
      marginRight: 30,
      x: { domain: [0, last], axis: null, inset: 10 },
      y: {
        domain: [-0.5, maxChannels - 0.5],
        reverse: true,
        axis: "left",
        label: "channel",
        ticks: channelTicks(maxChannels),
        tickFormat: "d",
      },
      color: { type: "categorical", scheme: "tableau10" },
      marks: [
        Plot.link(wires, {
          x1: (d: ChannelLink) => d.stage - 1,
          y1: "from",
          x2: "stage",
          y2: "to",
          stroke: "group",
          strokeWidth: (d: { lit: boolean }) => (d.lit ? 2.5 : 1.2),
          strokeOpacity: (d: { lit: boolean }) => (d.lit ? 1 : faded),
        }),
        Plot.dot(nodes, {
          x: "column",
          y: "channel",
          r: 5,
          fill: (d: { lit: boolean }) => (d.lit ? "currentColor" : "white"),
          stroke: "currentColor",
        }),
        Plot.text(labels, { x: "column", y: -0.5, text: "label", dy: -14, frameAnchor: "top", fontWeight: "bold" }),
      ],
    },
    options,
  );
}

/** The wires and nodes on some path into channel `target` of the last column (empty without one). */
function pathsInto(
  links: readonly ChannelLink[],
  counts: readonly number[],
  target: number | undefined,
): { links: Set<ChannelLink>; nodes: Set<string> } {
  const lit = { links: new Set<ChannelLink>(), nodes: new Set<string>() };
  if (target === undefined) return lit;
  let frontier = new Set([target]);
  lit.nodes.add(`${counts.length - 1}:${target}`);
  for (let stage = counts.length - 1; stage >= 1; stage--) {
    const next = new Set<number>();
    for (const l of links) {
      if (l.stage === stage && frontier.has(l.to)) {
        lit.links.add(l);
        next.add(l.from);
        lit.nodes.add(`${stage - 1}:${l.from}`);
      }
    }
    frontier = next;
  }
  return lit;
}

/** Every channel up to 24, else every k-th so that about 12 ticks remain. */
function channelTicks(n: number): number[] {
  const step = n <= 24 ? 1 : Math.ceil(n / 12);
  return Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step);
}
