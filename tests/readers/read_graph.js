// Read a GraphML or GEXF file with the parsers Gephi Lite uses, print nodes and edges as JSON.
// Usage: node read_graph.js graphml|gexf FILE
"use strict";
const fs = require("fs");
const { Graph } = require("graphology");

const [format, file] = process.argv.slice(2);
const parser = { graphml: require("graphology-graphml"), gexf: require("graphology-gexf") }[format];
if (!parser) {
  console.error(`unknown format ${format}: use graphml or gexf`);
  process.exit(2);
}
const graph = parser.parse(Graph, fs.readFileSync(file, "utf-8"));
const out = { attributes: graph.getAttributes(), nodes: [], edges: [] };
graph.forEachNode((key, attributes) => out.nodes.push({ key, attributes }));
graph.forEachEdge((key, attributes, source, target) => out.edges.push({ source, target, attributes }));
process.stdout.write(JSON.stringify(out));
