"""An independent check of edgesim's confidence intervals: reads study.csv, and for each
point and metric writes the mean, the sample standard deviation and scipy's two-sided 95%
Student t interval to scipy_ci.csv (the fixture tests/suite/study_ci.rs compares with).

    python3 scipy_ci.py study.csv > scipy_ci.csv      (needs scipy; 1.17.1 wrote the fixture)
"""
import csv
import statistics
import sys

from scipy import stats

PARAMETERS = ["pops[*].cache_capacity", "regions[eu].traffic"]
METRICS = ["hit_ratio", "byte_hit_ratio", "latency_p50_ms", "latency_p99_ms", "origin_peak_rps", "origin_requests"]

rows = list(csv.DictReader(open(sys.argv[1])))
points = {}
for r in rows:
    points.setdefault(tuple(r[p] for p in PARAMETERS), []).append(r)
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(PARAMETERS + ["metric", "n", "mean", "sd", "ci_low", "ci_high"])
for key, group in points.items():
    for m in METRICS:
        values = [float(r[m]) for r in group]
        n = len(values)
        mean = statistics.fmean(values)
        sd = statistics.stdev(values)
        low, high = stats.t.interval(0.95, n - 1, loc=mean, scale=sd / n**0.5)
        out.writerow(list(key) + [m, n, repr(mean), repr(sd), repr(float(low)), repr(float(high))])
