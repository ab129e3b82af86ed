// An osls plugin: before packaging, bundles each function's TypeScript handler
// with esbuild into one ESM file and zips it as that function's artifact.
"use strict";
const path = require("node:path");
const fs = require("node:fs");

class BerthEsbuildPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      "before:package:createDeploymentArtifacts": () => this.bundleAll(),
      "before:deploy:function:packageFunction": () => this.bundleAll(),
    };
  }

  async bundleAll() {
    const esbuild = require("esbuild");
    const service = this.serverless.service;
    const root = this.serverless.serviceDir;
    const buildDir = path.join(root, ".build");
    fs.rmSync(buildDir, { recursive: true, force: true });
    for (const name of service.getAllFunctions()) {
      const definition = service.getFunction(name);
      const dot = definition.handler.lastIndexOf(".");
      const file = definition.handler.slice(0, dot);
      const bundle = path.join(buildDir, name, `${file}.mjs`);
      await esbuild.build({
        entryPoints: [path.join(root, `${file}.ts`)],
        outfile: bundle,
        bundle: true,
        platform: "node",
        target: "node22",
        format: "esm",
        sourcemap: "inline",
        banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
        logLevel: "warning",
      });
      const artifact = path.join(buildDir, `${name}.zip`);
      await zip(bundle, `${file}.mjs`, artifact);
      definition.package = { ...(definition.package || {}), artifact };
    }
    this.serverless.cli.log(`Bundled ${service.getAllFunctions().length} functions with esbuild into .build/`);
  }
}

function zip(source, nameInZip, destination) {
  const yazl = require("yazl");
  return new Promise((resolve, reject) => {
    const archive = new yazl.ZipFile();
    archive.addFile(source, nameInZip, { mtime: new Date(0), mode: 0o644 });
    archive.outputStream.pipe(fs.createWriteStream(destination)).on("close", resolve).on("error", reject);
    archive.end();
  });
}

module.exports = BerthEsbuildPlugin;
