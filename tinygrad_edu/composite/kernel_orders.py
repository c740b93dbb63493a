"""Which of several tied elements PyTorch's CPU kernels pick, for kthvalue, mode and sort.

Where the k-th smallest value or the most frequent value occurs more than once, PyTorch returns
the index its algorithm happens to land on, and the gradient goes there. It is not the first or the
last occurrence: kthvalue runs a quickselect (aten/src/ATen/native/SortingUtils.h,
quick_select_template), and mode and sort (so quantile) sort (value, index) pairs by value with
std::sort, whose order of equal elements is libstdc++'s introsort's (stable only up to 16
elements). Both are replayed here, step for step, on one row of Python floats, so indices and
gradients agree with PyTorch's (test_order_statistics.py compares them on random tie-heavy rows).
They are Python loops (mode on 10^5 elements takes about 0.3 s of CPU); kthvalue and quantile
call them only for rows where a tie decides the answer.
"""

from __future__ import annotations

import math


def greater_or_nan(a, b) -> bool:
    """a > b, with NaN above every number (quickselect's order)."""
    return (a != a and b == b) or a > b


def quickselect(row, k: int) -> int:
    """The index of the k-th smallest (k from 0) that PyTorch's kthvalue returns: median-of-three
    quickselect, carrying the indices along with the values."""
    values, order = list(row), list(range(len(row)))

    def swap(i: int, j: int) -> None:
        values[i], values[j] = values[j], values[i]
        order[i], order[j] = order[j], order[i]

    left, right = 0, len(values) - 1
    while right > left + 1:
        middle = left + (right - left) // 2
        swap(middle, left + 1)
        if greater_or_nan(values[left + 1], values[right]):
            swap(left + 1, right)
        if greater_or_nan(values[left], values[right]):
            swap(left, right)
        if greater_or_nan(values[left + 1], values[left]):
            swap(left + 1, left)
        i, j, pivot = left + 1, right, values[left]
        while True:
            i += 1
            while greater_or_nan(pivot, values[i]):
                i += 1
            j -= 1
            while greater_or_nan(values[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(left, j)
        if j <= k:
            left = i
        if j >= k:
            right = j - 1
    if right == left + 1 and greater_or_nan(values[left], values[right]):
        swap(left, right)
    return order[k]


def introsort_order(row, nan_last: bool = False) -> list:
    """The positions of `row` in the order libstdc++'s std::sort leaves them when it compares by
    value only (with NaN above every number if `nan_last`, as PyTorch's sort): median-of-three
    quicksort down to runs of 16, then one insertion sort. (When its depth limit runs out, std::sort
    heapsorts; that takes inputs built to defeat the median of three, and here the run is sorted
    stably instead, so its ties may differ from PyTorch's.)"""
    order = list(range(len(row)))

    def less(i: int, j: int) -> bool:
        if nan_last:
            return (row[j] != row[j] and row[i] == row[i]) or row[i] < row[j]
        return row[i] < row[j]

    def median_to_first(first: int, a: int, b: int, c: int) -> None:
        if less(order[a], order[b]):
            median = b if less(order[b], order[c]) else (c if less(order[a], order[c]) else a)
        else:
            median = a if less(order[a], order[c]) else (c if less(order[b], order[c]) else b)
        order[first], order[median] = order[median], order[first]

    def partition(first: int, last: int, pivot: int) -> int:
        while True:
            while less(order[first], order[pivot]):
                first += 1
            last -= 1
            while less(order[pivot], order[last]):
                last -= 1
            if first >= last:
                return first
            order[first], order[last] = order[last], order[first]
            first += 1

    def quicksort(first: int, last: int, depth: int) -> None:
        while last - first > 16:
            if depth == 0:
                order[first:last] = sorted(order[first:last], key=row.__getitem__)
                return
            depth -= 1
            median_to_first(first, first + 1, first + (last - first) // 2, last - 1)
            cut = partition(first + 1, last, first)
            quicksort(cut, last, depth)
            last = cut

    def insert(i: int) -> None:  # move order[i] left past the larger ones before it
        position, j = order[i], i - 1
        while j >= 0 and less(position, order[j]):
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = position

    if len(order) > 1:
        quicksort(0, len(order), 2 * int(math.log2(len(order))))
        for i in range(1, len(order)):
            if i < 16 and less(order[i], order[0]):  # smaller than the first: straight to the front
                order.insert(0, order.pop(i))  # (which differs from insert(i) only past a NaN)
            else:
                insert(i)
    return order
