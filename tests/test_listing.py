"""The listing base on its own (no domain, no UI): index, filter, sort, marks, view, memo, change notification."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ovh_invoices_tui.state.listing import Listing, ListingChanges, Sort, grows, put, within
from ovh_invoices_tui.state.search import SearchKeys, utf8


@dataclass(frozen=True)
class Item:
    key: str
    name: str
    size: int


class Kind(StrEnum):
    ROWS = "rows"
    VIEW = "view"
    MARKS = "marks"


@dataclass(frozen=True)
class ItemFilter:
    quick: str = ""  # searched in the name
    min_size: int = 0


class Items(Listing[Item, str, ItemFilter, Kind]):
    """A minimal listing: the quick filter searches the name, the rest keeps sizes from ``min_size`` up."""

    SORT_COLUMNS = ("key", "size")
    DESCENDING_FIRST = frozenset({"size"})

    def __init__(self) -> None:
        super().__init__(
            key=lambda item: item.key, filter=ItemFilter(), sort=Sort("key", False), changes=ListingChanges(*Kind)
        )
        self.sizes: list[int] = []
        self.refined: list[int] = []  # how many candidates each full pass of the filter looked at

    def add(self, items: Iterable[Item]) -> None:
        self._store_rows(items)
        self._rows_changed()

    def forget(self) -> None:
        self._forget_rows()
        self._rows_changed()

    def rename(self, key: str, name: str) -> None:
        position = self.position(key)
        assert position is not None
        self.rows[position] = Item(key, name, self.rows[position].size)
        self._refresh_search_key(key)

    def _row_stored(self, position: int, row: Item) -> None:
        put(self.sizes, position, row.size)

    def _rows_reset(self) -> None:
        self.sizes = []

    def _search_key(self, row: Item) -> str:
        return row.name.lower()

    def _sort_key(self, column: str) -> Callable[[Item], Any]:
        return (lambda item: item.key) if column == "key" else (lambda item: (item.size, item.key))

    def _refine(self, indices: list[int]) -> list[int]:
        self.refined.append(len(indices))
        return within(indices, self.sizes, self.filter.min_size or None)


def keys(rows: Iterable[Item]) -> list[str]:
    return [row.key for row in rows]


@pytest.fixture
def items() -> Items:
    listing = Items()
    listing.add(
        [
            Item("c", "cherry", 3),
            Item("a", "apple", 5),
            Item("d", "date", 1),
            Item("b", "banana", 5),
            Item("e", "elderberry", 2),
        ]
    )
    return listing


def test_rows_are_indexed_by_id_and_replaced_in_place(items: Items) -> None:
    assert items.row("d") == Item("d", "date", 1)
    assert items.row("zz") is None
    items.add([Item("d", "dragonfruit", 9), Item("f", "fig", 4)])
    assert len(items.rows) == 6 and items.position("d") == 2
    assert items.row("d") == Item("d", "dragonfruit", 9)
    assert items.sizes == [3, 5, 9, 5, 2, 4]  # the per-row column followed the replacement and the append
    assert keys(items.view) == ["a", "b", "c", "d", "e", "f"]


def test_rows_added_are_sorted_into_the_view_only_when_it_is_read(items: Items) -> None:
    assert items.refined == []  # loaded, never looked at
    for n in range(3):  # pages of a load, faster than the screen draws them
        items.add([Item(f"p{n}", f"page {n}", n)])
    assert items.refined == []
    assert keys(items.view)[-3:] == ["p0", "p1", "p2"] and items.refined == [8]  # once, when read
    assert len(items.view_indices) == 8 and items.refined == [8]


def test_sort_toggles_direction_and_starts_descending_where_declared(items: Items) -> None:
    items.toggle_sort("size")  # a new column: descending first for sizes
    assert [row.size for row in items.view] == [5, 5, 3, 2, 1]
    items.toggle_sort("size")  # same column again: reversed
    assert [row.size for row in items.view] == [1, 2, 3, 5, 5]
    items.reverse_sort()
    assert items.sort == Sort("size", True)
    items.next_sort_column()  # wraps from the last column to the first, ascending by default
    assert items.sort == Sort("key", False)
    with pytest.raises(ValueError, match="unknown sort column"):
        items.set_sort(Sort("colour"))


def test_a_filter_keeps_the_sort_and_a_growing_quick_text_filters_only_the_view(items: Items) -> None:
    items.set_sort(Sort("size", True))
    items.set_filter(ItemFilter("A"))  # any case
    assert keys(items.view) == ["b", "a", "d"]  # banana, apple, date: by (size, key), descending
    assert items.refined == [5]  # the sort (loading computed no view: none was read); a text grown from "" needs
    items.set_filter(items.with_quick("an"))  # no full pass: it grows, the 3 rows of the view are searched
    assert keys(items.view) == ["b"]
    assert items.refined == [5]
    items.set_filter(ItemFilter("e", min_size=3))  # not a narrowing: every row again, then the rest of the filter
    assert keys(items.view) == ["a", "c"]  # apple 5, cherry 3 (date 1 and elderberry 2 too small)
    assert items.refined[-1] == 4  # apple, cherry, date, elderberry contain "e"
    assert [items.rows[i].key for i in items.view_indices] == keys(items.view)


def test_the_search_key_follows_data_learnt_later(items: Items) -> None:
    items.set_filter(ItemFilter("kiwi"))
    assert items.view == []
    items.rename("d", "kiwi")
    items.refilter()
    assert keys(items.view) == ["d"]


def test_the_view_never_shares_the_cached_sort_order(items: Items) -> None:
    items.set_filter(ItemFilter())
    order = list(items.view_indices)
    items.view_indices.reverse()  # type: ignore[attr-defined]  # a careless caller
    items.set_filter(ItemFilter("x"))
    items.set_filter(ItemFilter())
    assert list(items.view_indices) == order


def test_all_sorted_ignores_the_filter(items: Items) -> None:
    items.set_filter(ItemFilter("berry"))
    assert keys(items.view) == ["e"]
    assert keys(items.all_sorted()) == ["a", "b", "c", "d", "e"]


def test_marks_toggle_range_all_invert_clear(items: Items) -> None:
    items.toggle_mark("c")
    assert items.marked == {"c"}
    items.toggle_mark("c")
    assert items.marked == set()
    items.mark_range(3, 1)  # either order, inclusive: b c d
    assert items.marked == {"b", "c", "d"}
    items.mark_range(1, 1, marked=False)
    assert items.marked == {"c", "d"}
    items.set_filter(ItemFilter("rr"))  # cherry, elderberry
    items.invert_marks_in_view()
    assert items.marked == {"d", "e"}
    items.mark_all_in_view()
    assert items.marked == {"c", "d", "e"}
    items.clear_marks()
    assert items.marked == set()


def test_marked_rows_come_in_sort_order_hidden_ones_included(items: Items) -> None:
    items.set_marks(["e", "a", "nope"])  # an unknown id is dropped
    assert items.marked == {"a", "e"}
    items.set_sort(Sort("size", True))
    items.set_filter(ItemFilter("berry"))
    assert keys(items.marked_rows()) == ["a", "e"]  # size 5 then 2, although "a" is hidden
    assert items.hidden_marked_count == 1
    assert sorted(items.marked_indices()) == [1, 4]


def test_each_change_is_announced_with_its_kind_and_a_batch_once(items: Items) -> None:
    seen: list[set[Kind]] = []
    unsubscribe = items.subscribe(seen.append)
    items.set_filter(ItemFilter("a"))
    items.set_filter(ItemFilter("a"))  # no change, no notice
    items.set_sort(Sort("size", True))
    items.toggle_mark("a")
    items.add([Item("g", "grape", 7)])
    assert seen == [{Kind.VIEW}, {Kind.VIEW}, {Kind.MARKS}, {Kind.ROWS, Kind.VIEW}]
    with items.batch():
        items.set_filter(ItemFilter())
        items.clear_marks()
    assert seen[-1] == {Kind.VIEW, Kind.MARKS} and len(seen) == 5
    unsubscribe()
    items.clear_marks()
    assert len(seen) == 5


def test_view_memo_is_computed_once_per_view(items: Items) -> None:
    calls: list[int] = []

    def total() -> int:
        calls.append(1)
        return sum(items.sizes[i] for i in items.view_indices)

    assert items.view_memo("total", total) == 16
    assert items.view_memo("total", total) == 16
    assert len(calls) == 1
    items.set_filter(ItemFilter("an"))  # banana
    assert items.view_memo("total", total) == 5
    assert len(calls) == 2


def test_resort_follows_data_the_sort_depends_on(items: Items) -> None:
    ranks = {"a": 2, "b": 1, "c": 0, "d": 4, "e": 3}

    class Ranked(Items):
        def _sort_key(self, column: str) -> Callable[[Item], Any]:
            return lambda item: ranks[item.key]

    listing = Ranked()
    listing.add(items.rows)
    assert keys(listing.view) == ["c", "b", "a", "e", "d"]
    ranks["d"] = -1
    listing.resort()
    assert keys(listing.view)[0] == "d"


def test_forgetting_rows_keeps_filter_and_sort(items: Items) -> None:
    items.set_sort(Sort("size", True))
    items.set_filter(ItemFilter("a"))
    items.forget()
    assert items.rows == [] and items.view == [] and items.sizes == [] and items.row("a") is None
    assert items.sort == Sort("size", True) and items.filter == ItemFilter("a")
    items.add([Item("z", "papaya", 1), Item("y", "kiwi", 8)])
    assert keys(items.view) == ["z"]
    assert items.position("z") == 0


def test_filter_helpers_keep_order_and_open_sides() -> None:
    values = [5, 1, 9, 3]
    assert within([3, 2, 1, 0], values, 3, None) == [3, 2, 0]
    assert within([0, 1, 2, 3], values, None, 3) == [1, 3]
    assert within([0, 1], values) == [0, 1]
    keys = SearchKeys()
    keys.extend(["fr123\x00abc", "fr999\x00xyz"])
    assert keys.containing([1, 0], "XY") == [1] and keys.containing([1, 0], "") == [1, 0]
    assert grows("fr1", "FR12") and not grows("fr12", "fr1")


@given(
    keys=st.lists(
        st.text(max_size=40) | st.sampled_from(["fr00000001\x00123\x00", "a\nb", "x" * 31, "y" * 32]), max_size=8
    ),
    changed=st.lists(st.tuples(st.integers(0, 7), st.text(max_size=40)), max_size=3),
    text=st.text(min_size=1, max_size=3) | st.sampled_from(["\n", "A\nB", "FR0", "x" * 32]),
)
def test_search_keys_match_exactly_as_the_texts_do(keys: list[str], changed: list[tuple[int, str]], text: str) -> None:
    """Kept in one array of fixed slots (32 bytes a row, not 72), keys of any length and content, set again
    later, match exactly the rows a plain ``text in key`` would: never across a slot's end nor into the next row."""
    lowered = [key.lower() for key in keys]
    search = SearchKeys()
    search.extend(lowered)
    for position, key in changed:
        if position <= len(lowered):
            search[position] = key.lower()
            lowered[position : position + 1] = [key.lower()]
    indices = list(range(len(lowered)))[::-1]
    assert len(search) == len(lowered) and [search[i] for i in indices] == [utf8(lowered[i]) for i in indices]
    assert search.containing(indices, text) == [i for i in indices if text.lower() in lowered[i]]
    accents = SearchKeys()
    accents.extend(["facture été \ud800", "autre"])
    assert accents.containing([0, 1], "ÉTÉ \ud800") == [0]


@given(
    batches=st.lists(
        st.lists(
            st.tuples(st.sampled_from("abcdefgh"), st.sampled_from(["fig", "Kiwi", "pêche", "k" * 40])), max_size=6
        ),
        max_size=5,
    )
)
def test_batches_of_new_replaced_and_repeated_rows_land_as_one_at_a_time_would(
    batches: list[list[tuple[str, str]]],
) -> None:
    """A batch of rows all new is stored at once, any other row by row: either way each id keeps the place of
    its first arrival and the last version of it, and the quick filter finds it by its last name."""
    listing, expected = Items(), {}
    for number, batch in enumerate(batches):
        listing.add(Item(key, name, number) for key, name in batch)
        for key, name in batch:
            expected[key] = Item(key, name, number)  # a dict keeps the place of the first insertion
    assert listing.rows == list(expected.values())
    assert [listing.position(key) for key in expected] == list(range(len(expected)))
    assert listing.sizes == [item.size for item in expected.values()]
    listing.set_filter(ItemFilter("KI"))
    assert keys(listing.view) == sorted(key for key, item in expected.items() if "ki" in item.name.lower())
