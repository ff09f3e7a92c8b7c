import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** A top-level folder of src/ (`bot`, `digest`…), or a file directly in src/ (`config.ts`), which is its own unit. */
function unitOf(file: string): string {
  return relative(SRC, file).split(sep)[0]!;
}

/** Edges between units, from every relative import (TypeScript's own pre-parser: type-only imports count too). */
function unitGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = unitOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const { fileName } of ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const target = resolve(dirname(file), fileName);
      if (!target.startsWith(SRC + sep)) continue;
      const to = unitOf(target.replace(/\.js$/, ".ts"));
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Every cycle's path, found by depth-first search (the graph has a dozen nodes). */
function cycles(graph: Map<string, Set<string>>): string[] {
  const found: string[] = [];
  const visit = (node: string, path: string[]) => {
    for (const next of graph.get(node) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) found.push([...path.slice(at), next].join(" → "));
      else visit(next, [...path, next]);
    }
  };
  for (const node of graph.keys()) visit(node, [node]);
  return [...new Set(found)];
}

describe("import graph", () => {
  it("has no cycle between the top-level folders of src/", () => {
    expect(cycles(unitGraph())).toEqual([]);
  });

  it("finds a cycle when there is one", () => {
    const graph = new Map([
      ["bot", new Set(["digest"])],
      ["digest", new Set(["bot"])],
    ]);
    expect(cycles(graph)).toContain("bot → digest → bot");
  });

  it("sees the bot's imports of the shared folders", () => {
    const bot = unitGraph().get("bot");
    expect([...(bot ?? [])]).toEqual(expect.arrayContaining(["format", "i18n", "deps.ts", "digest"]));
  });
});
