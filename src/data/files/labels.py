"""Integer labels of file-backed data: how many classes they make, checked before a head is sized."""

from __future__ import annotations

from src.data.files.getters import Record
from src.errors import TriadError


def class_count(records: list[Record], num_classes: int | None) -> int:
    """The number of classes: ``num_classes`` checked against the records' labels, or the labels found (0..K-1).

    Labels stored inside the files are checked as they are read (``FileSamples``), not here.
    """
    labels = [label for _, label in records if label is not None]
    if num_classes is None:
        if len(labels) < len(records):
            raise TriadError("integer targets stored inside the files: set data.num_classes.")
        found = sorted(set(labels))
        if found != list(range(len(found))):  # never size a head from max(label): 1e9 would allocate 1e9 outputs
            shown = ", ".join(f"{v:g}" for v in found[:10]) + (", ..." if len(found) > 10 else "")
            raise TriadError(
                f"integer labels must be the classes 0..K-1; the files' labels are {shown} "
                f"({len(found)} distinct).\n"
                "  Map them to 0..K-1 in the getter, or set data.num_classes=K if some classes are just absent."
            )
        return len(found)
    for path, label in records:
        if label is not None and not (float(label).is_integer() and 0 <= label < num_classes):
            raise TriadError(f"{path}: label {label} is outside 0..{num_classes - 1} (data.num_classes={num_classes}).")
    return num_classes
