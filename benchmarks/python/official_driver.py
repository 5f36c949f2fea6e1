#!/usr/bin/env python3
"""Times the official PyTorch smooth top-k SVM (oval-group/smooth-topk) for the benchmark.

This driver contains no code of the official implementation: it imports the package
`topk` from the checkout the user points it at (--ref PATH) and runs its SmoothTopkSVM
module on the scores the JavaScript benchmark wrote, so that both sides see the same inputs.

Usage (the benchmark calls it; it is not meant to be run by hand):
    python3 official_driver.py --ref PATH --spec SPEC.json --out RESULT.json
    python3 official_driver.py --ref PATH --serve

SPEC.json:
    {"policy": {"warmup", "warmup_min_ms", "reps", "config_budget_ms", "max_run_ms", "budget_ms"},
     "threads": [1, ...],
     "speed": [{"n", "k", "batch", "scores", "labels"}],        # float32 / int32 binary files
     "accuracy": [{"id", "n", "k", "tau", "batch", "scores", "labels", "dtype", "grad_out"}]}
RESULT.json: {"torch", "default_threads", "cuda_device", "speed": [...], "skipped": [...], "accuracy": [...]}

Speed is measured on the CPU at each thread count and, when torch sees a CUDA device, on that
device too (rows with "device": "cuda"). Every timed call starts from host scores and ends with the
loss and gradient on the host, as a call of the JavaScript backends does.

--serve keeps one process alive so that the benchmark can time the official code in blocks that
alternate with its own backends. It reads one JSON request a line on stdin and answers each with
one JSON line on stdout:
    {"load": {"n", "k", "batch", "scores", "labels"}}  -> {"torch", "default_threads", "cpus"}
    {"time": {"threads", "count"}}                     -> {"samples_ms": [...]}   (forward+backward, CPU)
    {"pin": {"pid", "cpu"}}                            -> {}
    {"cpu_seconds": true}                              -> {"cpu_seconds"}          (this process so far)
"cpus" are the CPUs this process may run on, or null where the system cannot say (Linux only).
"pin" lets thread `pid` (0: this driver's main thread) run on CPU `cpu` only, or with "cpu": null
on every CPU in "cpus" again: the benchmark pins its own main thread through it, since Node has no
call for it, and starting a process from Node to do it would write-protect Node's whole heap.
It ends when stdin closes.
"""
import argparse
import contextlib
import io
import json
import os
import statistics
import sys
import time

import numpy as np


def load(spec_entry, dtype):
    n, batch = spec_entry["n"], spec_entry["batch"]
    scores = np.fromfile(spec_entry["scores"], dtype=np.float32).reshape(batch, n).astype(dtype)
    labels = np.fromfile(spec_entry["labels"], dtype=np.int32).astype(np.int64)
    return scores, labels


def make_loss(svm_module, n, k, tau):
    # The module prints "Setting tau to ..." when built; keep our stdout clean.
    with contextlib.redirect_stdout(io.StringIO()):
        return svm_module.SmoothTopkSVM(n_classes=n, alpha=1.0, tau=tau, k=k)


def forward_backward_task(torch, loss_fn, scores_np, labels, device):
    """One call as the JavaScript backends make it: host scores in, host gradient out."""
    def task():
        x = torch.from_numpy(scores_np).to(device).requires_grad_(True)
        loss_fn(x, labels).backward()
        x.grad.cpu().numpy()
    return task


def serve(torch, svm_module):
    task = None
    every_cpu = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    for line in sys.stdin:
        request = json.loads(line)
        if "load" in request:
            entry = request["load"]
            scores_np, labels_np = load(entry, np.float32)
            task = forward_backward_task(torch, make_loss(svm_module, entry["n"], entry["k"], 1.0), scores_np, torch.from_numpy(labels_np), "cpu")
            reply = {"torch": torch.__version__, "default_threads": torch.get_num_threads(), "cpus": every_cpu}
        elif "pin" in request:
            cpu = request["pin"]["cpu"]
            os.sched_setaffinity(request["pin"]["pid"], every_cpu if cpu is None else [cpu])
            reply = {}
        elif "time" in request:
            torch.set_num_threads(request["time"]["threads"])
            samples = []
            for _ in range(request["time"]["count"]):
                t0 = time.perf_counter()
                task()
                samples.append((time.perf_counter() - t0) * 1000)
            reply = {"samples_ms": samples}
        else:
            reply = {"cpu_seconds": time.process_time()}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ref", required=True)
    parser.add_argument("--spec")
    parser.add_argument("--out")
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, args.ref)
    import torch
    import topk.svm as svm_module

    if args.serve:
        serve(torch, svm_module)
        return
    if not (args.spec and args.out):
        parser.error("--spec and --out are required without --serve")

    with open(args.spec) as f:
        spec = json.load(f)
    policy = spec["policy"]
    default_threads = torch.get_num_threads()
    cuda_device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    result = {"torch": torch.__version__, "default_threads": default_threads, "cuda_device": cuda_device,
              "speed": [], "skipped": [], "accuracy": []}

    def timed(task):
        last = 0.0
        spent = 0.0
        runs = 0
        while runs < max(1, policy["warmup"]) or spent < policy.get("warmup_min_ms", 0):
            t0 = time.perf_counter()
            task()
            last = (time.perf_counter() - t0) * 1000
            spent += last
            runs += 1
        reps = max(1, min(policy["reps"], int(policy["config_budget_ms"] // max(last, 1e-3))))
        samples = []
        for _ in range(reps):
            t0 = time.perf_counter()
            task()
            samples.append((time.perf_counter() - t0) * 1000)
        return samples

    # One time budget per (device, threads) run: a slow CPU run does not eat the GPU's.
    runs = [("cpu", threads) for threads in spec["threads"]] + ([("cuda", None)] if cuda_device else [])
    for device, threads in runs:
        run_started = time.perf_counter()
        if threads is not None:
            torch.set_num_threads(threads)
        for entry in spec["speed"]:
            n, k = entry["n"], entry["k"]
            scores_np, labels_np = load(entry, np.float32)
            labels = torch.from_numpy(labels_np).to(device)
            loss_fn = make_loss(svm_module, n, k, 1.0)
            if device == "cuda":
                loss_fn = loss_fn.cuda()  # the module's own cuda() rebuilds its functions on the device

            def forward():
                with torch.no_grad():
                    loss_fn(torch.from_numpy(scores_np).to(device), labels).item()

            forward_backward = forward_backward_task(torch, loss_fn, scores_np, labels, device)
            for op, task in (("forward", forward), ("forward+backward", forward_backward)):
                key = (device, threads, op, k)
                previous = [r for r in result["speed"] if (r["device"], r["threads"], r["op"], r["k"]) == key and r["n"] < n]
                was_skipped = any((s["device"], s["threads"], s["op"], s["k"]) == key and s["n"] < n for s in result["skipped"])
                spent = (time.perf_counter() - run_started) * 1000
                reason = None
                if was_skipped:
                    reason = "skipped at a smaller n already"
                elif spent > policy["budget_ms"]:
                    reason = "PyTorch time budget of %g s spent" % (policy["budget_ms"] / 1000)
                elif previous and previous[-1]["median_ms"] * n / previous[-1]["n"] > policy["max_run_ms"]:
                    predicted = previous[-1]["median_ms"] * n / previous[-1]["n"]
                    reason = "predicted %.1f s per run (linear from n=%d) > limit %g s" % (predicted / 1000, previous[-1]["n"], policy["max_run_ms"] / 1000)
                if reason is not None:
                    result["skipped"].append({"device": device, "threads": threads, "op": op, "n": n, "k": k, "reason": reason})
                    continue
                try:
                    samples = timed(task)
                except Exception as error:  # the official code refuses some sizes (k + p - 1 > n - 1)
                    result["skipped"].append({"device": device, "threads": threads, "op": op, "n": n, "k": k, "reason": "failed: %s" % str(error).splitlines()[0][:200]})
                    continue
                result["speed"].append({"device": device, "threads": threads, "op": op, "n": n, "k": k, "batch": entry["batch"],
                                        "samples_ms": samples, "median_ms": statistics.median(samples)})

    torch.set_num_threads(1)
    for entry in spec["accuracy"]:
        dtype = np.float64 if entry["dtype"] == "float64" else np.float32
        scores_np, labels_np = load(entry, dtype)
        loss_fn = make_loss(svm_module, entry["n"], entry["k"], entry["tau"])
        record = {"id": entry["id"]}
        try:
            x = torch.from_numpy(scores_np).requires_grad_(True)
            loss = loss_fn(x, torch.from_numpy(labels_np))
            loss.backward()
            record["loss"] = float(loss.item())
            x.grad.detach().numpy().astype(np.float64).tofile(entry["grad_out"])
        except Exception as error:
            record["error"] = str(error).splitlines()[0][:200]
        result["accuracy"].append(record)

    # CPU time of every thread of this process, so the benchmark can tell its load from other processes'.
    result["cpu_seconds"] = time.process_time()
    with open(args.out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
