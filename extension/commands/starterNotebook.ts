// The cells of a new notebook: a small run that works as is, in a few seconds.
export interface StarterCell { kind: "markdown" | "code"; source: string }

export const STARTER_CELLS: StarterCell[] = [
  {
    kind: "markdown",
    source: [
      "# Mixed precision training",
      "",
      "Cells are JavaScript. The engine API is in scope: `mlp`, `mse`, `dynamicScaler`, `staticScaler`, `noScaler`,",
      "`sgd`, `adam`, `datasets`, `train`, `predict`, plus `display`. `train` runs in the Mixed Precision Engine",
      "(WebGPU on a GPU, else the WebAssembly backend) and shows its progress under the cell.",
    ].join("\n"),
  },
  {
    kind: "code",
    source: [
      "// A small model and a teacher dataset: targets come from a fixed random network.",
      'const model = mlp({ inputs: 4, hidden: [16], outputs: 1, activation: "tanh", seed: 1 })',
      "const data = datasets.teacher({ inputs: 4, outputs: 1, samples: 256, seed: 2 })",
      "model",
    ].join("\n"),
  },
  {
    kind: "code",
    source: [
      "// fp16 forward and backward, fp32 master weights, a dynamic loss scale (PyTorch's rule).",
      "const run = await train({",
      "  model, data, loss: mse(),",
      '  scaler: dynamicScaler({ preset: "pytorch" }),',
      '  precision: "mixed-fp16",',
      "  optimizer: adam({ lr: 1e-2 }),",
      "  steps: 100, batchSize: 32,",
      "})",
      "run",
    ].join("\n"),
  },
  {
    kind: "code",
    source: ["// The trained model, on two inputs", "await predict(run.model, [[0, 0, 0, 0], [1, -1, 0.5, 0.25]])"].join("\n"),
  },
];
