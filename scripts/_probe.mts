import { loadDecoder } from '/work/wt-g/test/support/decoder-node';
const gpt = await loadDecoder('/work/wt-g/models/tl-gpt');
for (const t of process.argv.slice(2)) console.log(t, JSON.stringify((await gpt.nextTokens(t, 4)).next.map((g) => [g.label, g.prob.toFixed(3)])));
