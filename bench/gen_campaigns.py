#!/usr/bin/env python3
"""Writes N valid, distinct campaign schedules for the apply benchmarks: one JSON document per
campaign in OUT_DIR (for `cxsched apply`) and the same payloads as JSON Lines in OUT_JSONL
(for the seed's driver, `bench_apply --input`). Deterministic: campaign i has id
00000000-0000-4000-8000-<i as 12 digits>."""
import json, os, sys

n, out_dir, out_jsonl = int(sys.argv[1]), sys.argv[2], sys.argv[3]
os.makedirs(out_dir, exist_ok=True)
zones = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
with open(out_jsonl, "w") as lines:
    for i in range(n):
        doc = {
            "campaignId": f"00000000-0000-4000-8000-{i:012d}",
            "timezone": zones[i % 4],
            "businessHoursDirective": "STRICT",
            "maxConcurrentCalls": 1 + i % 500,
            "timeWindows": [
                {"dayOfWeek": day, "startTime": "09:00:00", "endTime": f"{12 + i % 8:02d}:00:00"}
                for day in ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
            ],
        }
        with open(os.path.join(out_dir, f"c{i:05d}.json"), "w") as f:
            json.dump(doc, f)
        lines.write(json.dumps(doc) + "\n")
