// A user's own data as the issue describes it: 5,000 house sales, 12 features in raw
// units (the lot up to 200,000 square feet), the price in dollars (50,000 to 500,000),
// written as a CSV file with a header row. Seeded: the same file every time.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mulberry32, normal } from "../../../engine/data/rng.js";

export const HOUSE_FEATURES = ["lot_sqft", "living_sqft", "bedrooms", "bathrooms", "year_built", "garage", "stories", "dist_km", "school", "crime", "roof_age", "pool"];

/** Writes the CSV and returns its path. */
export function writeHousePrices(rows = 5000, seed = 7): string {
  const rng = mulberry32(seed);
  const lines = [[...HOUSE_FEATURES, "price"].join(",")];
  for (let n = 0; n < rows; n++) {
    const lot = Math.round(2000 + rng() * 198000), living = Math.round(500 + rng() * 4500);
    const bed = 1 + Math.floor(rng() * 6), bath = 1 + Math.floor(rng() * 4), year = 1900 + Math.floor(rng() * 121);
    const garage = Math.floor(rng() * 4), stories = 1 + Math.floor(rng() * 3), dist = +(rng() * 50).toFixed(2);
    const school = +(1 + rng() * 9).toFixed(1), crime = +(rng() * 10).toFixed(2), roof = Math.floor(rng() * 30), pool = rng() < 0.2 ? 1 : 0;
    const price = 50000 + 0.4 * lot + 40 * living + 5000 * bed + 8000 * bath + 300 * (year - 1900) + 4000 * garage
      - 1500 * dist + 6000 * school - 3000 * crime + 10000 * pool + 10000 * normal(rng);
    lines.push([lot, living, bed, bath, year, garage, stories, dist, school, crime, roof, pool, Math.min(500000, Math.max(50000, Math.round(price)))].join(","));
  }
  const path = join(mkdtempSync(join(tmpdir(), "mplab-house-")), "houses.csv");
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}
