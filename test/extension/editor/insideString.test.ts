import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { insideString } from "../../../extension/editor/insideString.js";

describe("insideString", () => {
  const col = (line: string, needle: string) => line.indexOf(needle) + 1;
  it("JSON: values are outside, numbers in string values and keys inside", () => {
    const line = '  "name": "run 2", "lr": 1e-3, "k\\"3": 4,';
    assert.equal(insideString(line, col(line, "2\""), '"'), true);
    assert.equal(insideString(line, col(line, "1e-3"), '"'), false);
    assert.equal(insideString(line, col(line, "3\""), '"'), true, "after an escaped quote");
    assert.equal(insideString(line, col(line, "4,"), '"'), false);
  });
  it("JavaScript: all three quotes; a // comment is not a string", () => {
    const line = "f('a 1', `b ${2}`, \"c 3\", 4) // 'x 5";
    for (const [needle, inside] of [["1'", true], ["2}", true], ["3\"", true], ["4)", false], ["5", false]] as const)
      assert.equal(insideString(line, col(line, needle)), inside, needle);
  });
});
