// Run typed answers through the site's exercise widget (tools/site_exercises.js), without a browser: tests/test_bank.py
// calls `node tests/bank_check.js WIDGET BANK_DIR CASES` and compares what it prints with Python's `check`.
// CASES is JSON: {"texts": [typed text, ...], "cases": [[kind, seed, [[typed text, ...], ...sequences]], ...]}.
// It prints JSON: {"parsed": [repr of each text], "results": [for each case, for each sequence, for each text:
// [status, [mistake names], plain feedback text, the page's status, the page's feedback text]]}.
const fs = require('fs'), path = require('path');
const [widget, bankDir, casesPath] = process.argv.slice(2);
const core = require(path.resolve(widget));
const banks = {};
globalThis.convbookExercises = {add(kind, entries) { banks[kind] = entries; }, kinds() {}};
for (const f of fs.readdirSync(bankDir)) if (f.endsWith('.js') && f !== 'index.js') eval(fs.readFileSync(path.join(bankDir, f), 'utf8'));
const {texts, cases} = JSON.parse(fs.readFileSync(casesPath, 'utf8'));
const parsed = texts.map(t => core.rawRepr(core.parse(t)));
const results = cases.map(([kind, seed, seqs]) => {
  const entry = banks[kind].find(e => e.seed === seed);
  return seqs.map(seq => {
    const ex = core.makeExercise(entry);
    return seq.map(t => {
      const f = ex.check(core.parse(t)), md = core.markdown(f);
      return [f.status, f.mistakes.map(m => m.name), core.plainText(md), core.STATUS[f.status], core.plainText(core.siteWords(md))];
    });
  });
});
process.stdout.write(JSON.stringify({parsed, results}));
