#!/usr/bin/env python3
"""M/M/c in SimPy 3, written the way SimPy's documentation writes queues: a source process
that creates one process per customer, each of which requests a Resource, holds it for its
service time and releases it. bench/compare-peers runs this script and reads the one JSON
line it prints.

Time is in mean service times (mu = 1), so lambda = c * rho and the mean wait is in service
times, as in Erlang C's Wq = C / (c - A). The clock starts after the imports and stops when
the last customer has been served, so interpreter start-up is excluded; both wall and CPU
time are reported.

    python3 bench/mmc_simpy.py --servers 10 --utilisation 0.8 --customers 1000000
"""
import argparse
import json
import random
import time

import simpy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=10)
    parser.add_argument("--utilisation", type=float, default=0.8)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20240611)
    args = parser.parse_args()

    start = time.perf_counter()
    cpu_start = time.process_time()
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=args.servers)
    # Separate generators for arrivals and services, as in the C++ implementations.
    arrivals = random.Random(2 * args.seed + 1)
    services = random.Random(2 * args.seed + 2)
    arrival_rate = args.servers * args.utilisation
    per_batch = args.customers // args.batches
    batch_sums = [0.0] * args.batches
    state = {"served": 0, "total": 0.0}

    def customer(arrived):
        with servers.request() as request:
            yield request
            wait = env.now - arrived
            batch = state["served"] // per_batch
            if batch < args.batches:
                batch_sums[batch] += wait
            state["served"] += 1
            state["total"] += wait
            yield env.timeout(services.expovariate(1.0))

    def source():
        for _ in range(args.customers):
            yield env.timeout(arrivals.expovariate(arrival_rate))
            env.process(customer(env.now))

    env.process(source())
    env.run()
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start

    print(json.dumps({
        "implementation": "simpy " + simpy.__version__,
        "mean_wait": state["total"] / state["served"],
        "batch_mean_waits": [s / per_batch for s in batch_sums],
        # Model events, counted as in the C++ implementations: an arrival and a departure
        # per customer. SimPy itself processes several internal events per customer.
        "events": 2 * state["served"],
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
    }))


if __name__ == "__main__":
    main()
