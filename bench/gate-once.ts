/**
 * One gate run as a whole process, exactly `npm run plan -- <args>` (same entry, same output: the
 * report goes to stdout), that also writes its resource usage to the file `argv[2]` as it ends:
 * `{ gateRssKb, packRssKb }`, this process's peak RSS (its worker thread included) and the pack's.
 * `node <plan's node flags> bench/gate-once.ts <usage file> <plan args…>`
 */
import * as fs from "fs";
import { main } from "../cli/src/plan";

const [usageFile, ...planArgs] = process.argv.slice(2);
let packRssKb = 0;
main(planArgs, { onPackClosed: ({ peakRssKb }) => (packRssKb = peakRssKb) }).then((code) => {
    fs.writeFileSync(usageFile, JSON.stringify({ gateRssKb: process.resourceUsage().maxRSS, packRssKb }));
    process.exit(code);
}, (error) => {
    process.stderr.write(`${String(error?.stack ?? error)}\n`);
    process.exit(3);
});
