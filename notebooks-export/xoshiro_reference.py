#!/usr/bin/env python3
"""Independent reference outputs of xoshiro256** and of chexstats's seeding rule, in plain Python
integers, written from Blackman & Vigna (2021) and Steele, Lea & Flood (2014). The values are
copied into Tests/ChexStatsTests/XoshiroTests.swift. The first vector (state 1, 2, 3, 4) is also the
one quoted for the authors' C reference implementation.

Run: python3 notebooks-export/xoshiro_reference.py   (Python 3.11, no packages)
"""
M = (1 << 64) - 1


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M


def xoshiro(s):
    s = list(s)
    while True:
        r = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
        s[3] = rotl(s[3], 45)
        yield r


def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)


def splitmix(seed):
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & M
        yield mix(state)


def seeded(seed):
    sm = splitmix(seed)
    return xoshiro([next(sm) for _ in range(4)])


if __name__ == "__main__":
    g = xoshiro([1, 2, 3, 4]); print("state 1,2,3,4:", [next(g) for _ in range(4)])
    g = seeded(2021); print("seed 2021:", [next(g) for _ in range(3)])
    g = seeded(mix(mix(2021) ^ 7)); print("seed 2021 stream 7:", [next(g) for _ in range(2)])
