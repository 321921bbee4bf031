// The line a kernel writes on stderr when a cell calls process.exit (kernelMain.ts),
// read back by its owner (kernelClient.ts) to say why the kernel ended.
export const EXIT_MARKER = "\u0000mplab-kernel: process.exit ";
