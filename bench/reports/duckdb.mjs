// duckdb.mjs — DuckDB's side of bench/reports/run: read_csv of the whole file
// into an in-memory table, then the percentiles of one group and of a
// by-level breakdown of one company with quantile_cont (linear interpolation,
// as payband computes them). Prints one JSON object of seconds per run.
//
// usage: node duckdb.mjs FILE LOADS RUNS CALLS
import { DuckDBInstance } from '@duckdb/node-api';

const [file, loads, runs, calls] = [process.argv[2], +process.argv[3], +process.argv[4],
                                    +process.argv[5]];
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const q = "[0.1, 0.25, 0.5, 0.75, 0.9]";
const group = `SELECT count(*) AS n, quantile_cont(totalyearlycompensation, ${q}) AS p,
                      avg(totalyearlycompensation) AS mean
               FROM t WHERE lower(trim(company)) = 'google' AND upper(trim(level)) = 'L5'
                        AND location = 'Mountain View, CA'`;
const byLevel = `SELECT upper(trim(level)) AS level, count(*) AS n,
                        quantile_cont(totalyearlycompensation, ${q}) AS p
                 FROM t WHERE lower(trim(company)) = 'google' GROUP BY 1`;

const load = [];
for (let i = 0; i < loads; i++) {
  await con.run('DROP TABLE IF EXISTS t');
  const t0 = process.hrtime.bigint();
  await con.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file}', header = true, nullstr = 'NA')`);
  load.push(Number(process.hrtime.bigint() - t0) / 1e9);
}
const rows = (await con.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0];

async function time(sql, n) {
  const out = [];
  let last;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    for (let c = 0; c < n; c++)
      last = (await con.runAndReadAll(sql)).getRowObjectsJson();
    out.push(Number(process.hrtime.bigint() - t0) / 1e9 / n);
  }
  return { times: out, answer: last };
}
const g = await time(group, calls);
const b = await time(byLevel, Math.max(1, Math.floor(calls / 2)));
console.log(JSON.stringify({
  version: (await con.runAndReadAll('SELECT version()')).getRows()[0][0],
  rows: Number(rows), load, rss_after_load: process.memoryUsage().rss,
  group: g.times, group_answer: g.answer[0], by_level: b.times, by_level_groups: b.answer.length,
}));
