"""Python's side of `cargo bench -p process-pool -- round_trip`: 10 MiB of bytes to a
ProcessPoolExecutor's worker and back, on a pool already started, timed as the Rust bench
times its own (the median of 11 runs). Run by the bench when python3 is there; on its own:
`python3 examples-processpool/process-pool/benches/round_trip.py`.
"""

import statistics
import time
from concurrent.futures import ProcessPoolExecutor


def echo(data):
    return data


def main():
    data = bytes(n % 256 for n in range(10 << 20))
    with ProcessPoolExecutor(max_workers=1) as executor:
        executor.submit(echo, b"").result()  # the worker is up, as the Rust pool's is
        trips = []
        for _ in range(11):
            start = time.perf_counter()
            back = executor.submit(echo, data).result()
            trips.append(time.perf_counter() - start)
            assert len(back) == len(data)
    print(f"Python's ProcessPoolExecutor, 10 MiB round trip: median {statistics.median(trips):.4f} s ({len(trips)} runs)")


if __name__ == "__main__":
    main()
