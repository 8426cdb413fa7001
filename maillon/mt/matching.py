"""Optimal proposals of médecins traitants to waiting patients (issue 5, point 4).

A pure module: no Django, no database, no shared state. Every function takes plain values
and returns plain values, so one département (or one CPTS) can be solved in any process,
e.g. one background task per partition (see `partition` and `solve_instance`).

The problem, its formulation as two min-cost flows and the proof that the scaled integer
costs give the exact lexicographic optimum are in docs/matching.md. In short:

1. *Stage 1* (weight): a min-cost flow whose only costs are the weights of the patients
   left unplaced gives the maximum total weight. The sets of patients that can be placed
   together form a (transversal) matroid, so every weight-optimal solution places exactly
   the same number of patients of each weight class; stage 1 yields those numbers.
2. *Stage 2* (distance, then waiting): a min-cost flow that places exactly that number of
   patients of each class, with cost `scale × distance_hm + (max_wait − waiting_days)` per
   placed patient, where `scale = 1 + placed × (max_wait − min_wait)` makes the waiting
   term a pure tie-break between solutions of equal distance.

Patients are aggregated into *groups* of identical eligibility (same commune and point, same
relevant traits, no past refusal), so the graph has group → doctor arcs rather than
patient → doctor arcs: tens of times smaller, and exactly the same optimum.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
HM_PER_KM = 10  # distances are counted in whole hectometres (100 m) in the objective
INT64_MAX = 2**63 - 1
# Radius prefilter margin: the vectorised distance may differ from the exact one by a few ulps.
_PREFILTER_MARGIN_KM = 0.01
_PREFILTER_BLOCK = 2_000_000  # location × doctor distances computed at once by the prefilter

Point = tuple[float, float]  # (latitude, longitude) in degrees
Via = Literal["list", "radius", "any"]


# --- Inputs and outputs ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Patient:
    """A patient waiting for a médecin traitant.

    `weight` is the priority score (an integer ≥ 1) computed by the CPTS's weighting;
    `point` is the (latitude, longitude) of the patient's commune (town hall or centroid);
    `traits` are the criteria doctors may refuse: "child", "ald", "c2s", "pregnancy",
    "disability", "age_70_plus"…
    """

    id: int
    weight: int
    waiting_days: int
    commune: str
    point: Point
    traits: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if type(self.weight) is not int or self.weight < 1:
            raise ValueError(f"patient {self.id}: the weight must be an integer ≥ 1")
        if type(self.waiting_days) is not int or self.waiting_days < 0:
            raise ValueError(f"patient {self.id}: waiting_days must be an integer ≥ 0")
        object.__setattr__(self, "traits", frozenset(self.traits))
        object.__setattr__(self, "point", (float(self.point[0]), float(self.point[1])))


@dataclass(frozen=True, slots=True)
class Doctor:
    """A volunteer doctor's offer.

    `communes`: the communes (INSEE codes) the doctor takes patients from, or None;
    `radius_km`: the distance from the doctor's `point` within which they take patients, or
    None. A patient matches when in the list *or* within the radius; a doctor with neither
    takes any patient of the instance (the CPTS). `refuses`: the traits the doctor does
    not accept. `commune`: the practice commune, used only to partition (département).
    """

    id: int
    places: int
    point: Point
    communes: frozenset[str] | None = None
    radius_km: float | None = None
    refuses: frozenset[str] = frozenset()
    commune: str = ""

    def __post_init__(self) -> None:
        if type(self.places) is not int or self.places < 0:
            raise ValueError(f"doctor {self.id}: places must be an integer ≥ 0")
        if self.radius_km is not None and not (self.radius_km >= 0 and math.isfinite(self.radius_km)):
            raise ValueError(f"doctor {self.id}: radius_km must be a finite number ≥ 0 or None")
        if self.communes is not None:
            object.__setattr__(self, "communes", frozenset(self.communes))
        object.__setattr__(self, "refuses", frozenset(self.refuses))
        object.__setattr__(self, "point", (float(self.point[0]), float(self.point[1])))


class Objective(NamedTuple):
    """The three criteria, in lexicographic order of importance.

    Better means: larger `weight`, then smaller `distance_hm`, then larger `waiting_days`
    (compare with `Objective.rank`).
    """

    weight: int  # sum of the weights of the placed patients
    distance_hm: int  # sum of the placed patients' distances to their doctor, in hectometres
    waiting_days: int  # sum of the waiting days of the placed patients

    def rank(self) -> tuple[int, int, int]:
        """A key such that a better objective has a greater key."""
        return (self.weight, -self.distance_hm, self.waiting_days)


@dataclass(frozen=True, slots=True)
class Assignment:
    patient_id: int
    doctor_id: int
    distance_km: float  # commune point to doctor point, rounded to 100 m
    reasons: tuple[str, ...]  # why this proposal, in French, for the coordinator


@dataclass(frozen=True, slots=True)
class Solution:
    assignments: list[Assignment]  # sorted by patient id
    objective: Objective
    unplaced: list[int]  # patient ids, in queue order (weight, then waiting, descending)


@dataclass(frozen=True, slots=True)
class Instance:
    """One independent sub-problem: what a background task receives (picklable)."""

    patients: tuple[Patient, ...]
    doctors: tuple[Doctor, ...]
    excluded: frozenset[tuple[int, int]] = frozenset()


class ScaleError(ValueError):
    """The instance's integer costs would overflow the solver's 64-bit arithmetic."""


# --- Eligibility --------------------------------------------------------------------


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance between two (latitude, longitude) points, in km.

    The single definition of a distance: eligibility (radius), costs and reasons all use it.
    """
    lat1, lon1 = math.radians(a[0]), math.radians(a[1])
    lat2, lon2 = math.radians(b[0]), math.radians(b[1])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def to_hm(km: float) -> int:
    """A distance in whole hectometres (half up), the unit of the objective."""
    return int(km * HM_PER_KM + 0.5)


class Eligibility(NamedTuple):
    distance_km: float
    via: Via  # "list": the patient's commune is in the doctor's list; "radius"; "any": no limit


def geographic_match(patient: Patient, doctor: Doctor, distance_km: float) -> Via | None:
    """Whether the doctor's area covers the patient's commune, and how."""
    if doctor.communes is not None and patient.commune in doctor.communes:
        return "list"
    if doctor.radius_km is not None and distance_km <= doctor.radius_km:
        return "radius"
    if doctor.communes is None and doctor.radius_km is None:
        return "any"
    return None


def eligibility(
    patient: Patient, doctor: Doctor, excluded: Iterable[tuple[int, int]] | frozenset = frozenset()
) -> Eligibility | None:
    """The rule for one pair (the engine applies the same rule to groups of patients).

    Eligible when the doctor has places, the doctor's area covers the patient's commune,
    the doctor refuses none of the patient's traits and the pair was not refused before.
    """
    if doctor.places <= 0 or doctor.refuses & patient.traits:
        return None
    if (patient.id, doctor.id) in excluded:
        return None
    distance = haversine_km(patient.point, doctor.point)
    via = geographic_match(patient, doctor, distance)
    return None if via is None else Eligibility(distance, via)


# --- Reasons (French, for the coordinator's screen) ----------------------------------------


def _number_fr(value: float, decimals: int = 1) -> str:
    if value == int(value) and decimals == 0:
        return str(int(value))
    return f"{value:.{decimals}f}".replace(".", ",")


def _radius_fr(radius_km: float) -> str:
    if radius_km == int(radius_km):
        return str(int(radius_km))
    return f"{radius_km:g}".replace(".", ",")


def reasons(patient: Patient, doctor: Doctor, distance_km: float, via: Via) -> tuple[str, ...]:
    """Why a proposal: where, how long the wait, what priority."""
    at = f"à {_number_fr(distance_km)} km"
    if via == "list":
        where = f"{at}, dans la liste des communes du médecin"
    elif via == "radius":
        where = f"{at}, dans le rayon de {_radius_fr(doctor.radius_km or 0.0)} km"
    else:
        where = f"{at}, le médecin accepte les patients de toutes les communes"
    days = patient.waiting_days
    waiting = "inscrit aujourd'hui" if days == 0 else f"en attente depuis {days} jour{'s' if days > 1 else ''}"
    return (where, waiting, f"score de priorité : {patient.weight}")


# --- The eligibility index: groups of patients × doctors -------------------------------------


class Candidate(NamedTuple):
    doctor: int  # index in EligibilityIndex.doctors
    distance_hm: int
    distance_km: float
    via: Via


class EligibilityIndex:
    """Eligible doctors of every patient, computed once per group of identical patients.

    A group is a (commune, point, relevant traits) triple — relevant traits are those some
    doctor refuses — or a single patient when that patient has past refusals. Distances are
    computed once per (location, doctor) pair: a vectorised prefilter keeps the doctors whose
    radius may cover a location, then `haversine_km` decides exactly, as in `eligibility`.
    """

    def __init__(
        self, patients: Sequence[Patient], doctors: Sequence[Doctor], excluded: Iterable[tuple[int, int]] = ()
    ) -> None:
        self.patients = list(patients)
        self.doctors = [doctor for doctor in doctors if doctor.places > 0]
        _check_unique_ids(self.patients, doctors)
        self.relevant_traits = frozenset().union(*(doctor.refuses for doctor in self.doctors))
        patient_ids = {patient.id for patient in self.patients}
        by_patient: dict[int, set[int]] = defaultdict(set)
        for patient_id, doctor_id in excluded:
            if patient_id in patient_ids:
                by_patient[patient_id].add(doctor_id)
        self.excluded: dict[int, frozenset[int]] = {key: frozenset(value) for key, value in by_patient.items()}
        self._locations: dict[tuple[str, Point], int] = {}
        for patient in self.patients:
            self._locations.setdefault((patient.commune, patient.point), len(self._locations))
        self._geo = self._geographic_candidates()
        self._geo_doctor = [np.array([c.doctor for c in row], dtype=np.int64) for row in self._geo]
        self._geo_hm = [np.array([c.distance_hm for c in row], dtype=np.int64) for row in self._geo]
        self._by_traits: dict[tuple[int, frozenset[str]], np.ndarray] = {}
        self._refused: dict[frozenset[str], np.ndarray] = {}

    def group_key(self, patient: Patient) -> Hashable:
        """Patients with the same key have the same eligible doctors."""
        if patient.id in self.excluded:
            return ("patient", patient.id)
        return (self._locations[(patient.commune, patient.point)], patient.traits & self.relevant_traits)

    def selection(self, patient: Patient) -> tuple[int, np.ndarray]:
        """The patient's location and the positions, in that location's candidates
        (`location_candidates`), of the patient's eligible doctors."""
        location = self._locations[(patient.commune, patient.point)]
        traits = patient.traits & self.relevant_traits
        positions = self._by_traits.get((location, traits))
        if positions is None:
            refused = self._refused.get(traits)
            if refused is None:
                refused = self._refused[traits] = np.array([bool(doctor.refuses & traits) for doctor in self.doctors])
            doctors = self._geo_doctor[location]
            positions = np.nonzero(~refused[doctors])[0] if len(doctors) else doctors
            self._by_traits[(location, traits)] = positions
        excluded = self.excluded.get(patient.id)
        if excluded:
            row = self._geo[location]
            positions = np.array([i for i in positions.tolist() if self.doctors[row[i].doctor].id not in excluded])
            positions = positions.astype(np.int64)
        return location, positions

    def location_candidates(self, location: int) -> list[Candidate]:
        return self._geo[location]

    def location_arrays(self, location: int) -> tuple[np.ndarray, np.ndarray]:
        """The doctor indexes and distances (hm) of the location's candidates."""
        return self._geo_doctor[location], self._geo_hm[location]

    def candidates(self, patient: Patient) -> list[Candidate]:
        """The patient's eligible doctors, nearest first (then by doctor id)."""
        location, positions = self.selection(patient)
        row = self._geo[location]
        return [row[i] for i in positions.tolist()]

    def _geographic_candidates(self) -> list[list[Candidate]]:
        """Per location, the doctors whose area covers it (list, radius or no limit)."""
        locations = list(self._locations)
        found: list[dict[int, Via]] = [{} for _ in locations]
        by_commune: dict[str, list[int]] = defaultdict(list)
        for index, (commune, _point) in enumerate(locations):
            by_commune[commune].append(index)
        with_radius: list[int] = []
        for d, doctor in enumerate(self.doctors):
            if doctor.communes is None and doctor.radius_km is None:
                for index in range(len(locations)):
                    found[index][d] = "any"
                continue
            for commune in doctor.communes or ():
                for index in by_commune.get(commune, ()):
                    found[index][d] = "list"
            if doctor.radius_km is not None:
                with_radius.append(d)
        if with_radius and locations:
            for index, d in self._radius_prefilter(locations, with_radius):
                found[index].setdefault(d, "radius")  # "list" wins when both hold
        result: list[list[Candidate]] = []
        for index, (_commune, point) in enumerate(locations):
            row = []
            for d, via in found[index].items():
                doctor = self.doctors[d]
                km = haversine_km(point, doctor.point)
                if via == "radius" and not km <= (doctor.radius_km or 0.0):
                    continue  # the prefilter's margin let it in; the exact distance does not
                row.append(Candidate(d, to_hm(km), km, via))
            row.sort(key=lambda candidate: (candidate.distance_hm, self.doctors[candidate.doctor].id))
            result.append(row)
        return result

    def _radius_prefilter(
        self, locations: list[tuple[str, Point]], with_radius: list[int]
    ) -> Iterable[tuple[int, int]]:
        """(location, doctor) pairs whose approximate distance is within radius + margin."""
        lat = np.radians(np.array([point[0] for _c, point in locations]))
        lon = np.radians(np.array([point[1] for _c, point in locations]))
        doctors = [self.doctors[d] for d in with_radius]
        dlat = np.radians(np.array([doctor.point[0] for doctor in doctors]))
        dlon = np.radians(np.array([doctor.point[1] for doctor in doctors]))
        radius = np.array([doctor.radius_km for doctor in doctors]) + _PREFILTER_MARGIN_KM
        doctor_index = np.array(with_radius)
        cos_dlat = np.cos(dlat)
        step = max(1, _PREFILTER_BLOCK // len(doctors))
        for start in range(0, len(locations), step):
            la, lo = lat[start : start + step, None], lon[start : start + step, None]
            h = np.sin((dlat - la) / 2) ** 2 + np.cos(la) * cos_dlat * np.sin((dlon - lo) / 2) ** 2
            distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
            rows, columns = np.nonzero(distance <= radius)
            yield from zip((rows + start).tolist(), doctor_index[columns].tolist(), strict=True)


def _check_unique_ids(patients: Sequence[Patient], doctors: Sequence[Doctor]) -> None:
    if len({patient.id for patient in patients}) != len(patients):
        raise ValueError("patient ids must be unique")
    if len({doctor.id for doctor in doctors}) != len(doctors):
        raise ValueError("doctor ids must be unique")


# --- The engine ------------------------------------------------------------------------


def _queue_order(patient: Patient) -> tuple[int, int, int]:
    return (-patient.weight, -patient.waiting_days, patient.id)


def objective_of(
    assignments: Iterable[tuple[int, int]], patients: Sequence[Patient], doctors: Sequence[Doctor]
) -> Objective:
    """The objective of any set of (patient id, doctor id) pairs (for the engine, greedy, tests)."""
    patient_of = {patient.id: patient for patient in patients}
    doctor_of = {doctor.id: doctor for doctor in doctors}
    weight = distance = waiting = 0
    for patient_id, doctor_id in assignments:
        patient, doctor = patient_of[patient_id], doctor_of[doctor_id]
        weight += patient.weight
        distance += to_hm(haversine_km(patient.point, doctor.point))
        waiting += patient.waiting_days
    return Objective(weight, distance, waiting)


def _check_cost_range(max_arc_cost: int, nodes: int, flow: int, what: str) -> None:
    """OR-Tools' cost scaling multiplies costs by (nodes + 1) and refuses arc costs above
    INT64_MAX / (2 (nodes + 1)); the total cost must fit in 64 bits too."""
    if max_arc_cost > INT64_MAX // (2 * (nodes + 1)) or max_arc_cost * max(flow, 1) > INT64_MAX:
        raise ScaleError(f"{what}: costs up to {max_arc_cost} on {nodes} nodes would overflow; partition the instance")


def _run(nodes: int, supplies: dict[int, int], *, tails, heads, capacities, costs) -> tuple[np.ndarray, int]:
    """Solve one min-cost flow: the flow on each arc, in the order given, and the total cost."""
    # Imported here so that HiGHS can run in a process without it (docs/matching.md, « Checks »).
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.asarray(tails, dtype=np.int32),
        np.asarray(heads, dtype=np.int32),
        np.asarray(capacities, dtype=np.int64),
        np.asarray(costs, dtype=np.int64),
    )
    for node, supply in supplies.items():
        flow.set_node_supply(node, supply)
    status = flow.solve()
    if status != flow.OPTIMAL:  # every network built here is feasible and within range
        raise RuntimeError(f"min-cost flow: {status.name}")
    return np.asarray(flow.flows(arcs), dtype=np.int64), flow.optimal_cost()


def solve(patients: Sequence[Patient], doctors: Sequence[Doctor], excluded: Iterable[tuple[int, int]] = ()) -> Solution:
    """The lexicographically optimal proposals: max total weight, then min total distance,
    then max total waiting days; at most `places` patients per doctor, one doctor per patient."""
    patients = list(patients)
    index = EligibilityIndex(patients, doctors, excluded)
    if not patients:
        return Solution([], Objective(0, 0, 0), [])

    # Groups of patients with the same eligible doctors; weight classes, heaviest first.
    group_of: dict[Hashable, int] = {}
    group_rows: list[tuple[int, np.ndarray]] = []  # (location, positions of its candidates)
    patient_group = np.empty(len(patients), dtype=np.int64)
    for n, patient in enumerate(patients):
        key = index.group_key(patient)
        g = group_of.get(key)
        if g is None:
            g = group_of[key] = len(group_rows)
            group_rows.append(index.selection(patient))
        patient_group[n] = g
    weights = sorted({patient.weight for patient in patients}, reverse=True)
    class_of = {weight: k for k, weight in enumerate(weights)}
    patient_class = np.fromiter((class_of[patient.weight] for patient in patients), np.int64, len(patients))
    waiting = np.fromiter((patient.waiting_days for patient in patients), np.int64, len(patients))
    m, groups, n_doctors = len(weights), len(group_rows), len(index.doctors)
    first_group, first_doctor, sink = m, m + groups, m + groups + n_doctors
    nodes = sink + 1

    # Arcs of both stages: group → doctor (capacity: the fewer of the group's size and the
    # doctor's places), doctor → sink (capacity: places).
    places = np.array([doctor.places for doctor in index.doctors], dtype=np.int64)
    group_size = np.bincount(patient_group, minlength=groups)
    arc_group = np.repeat(np.arange(groups), [len(positions) for _location, positions in group_rows])
    arc_position = np.concatenate([positions for _location, positions in group_rows] + [np.zeros(0, np.int64)])
    arc_doctor = np.concatenate(
        [index.location_arrays(location)[0][positions] for location, positions in group_rows] + [np.zeros(0, np.int64)]
    )
    arc_hm = np.concatenate(
        [index.location_arrays(location)[1][positions] for location, positions in group_rows] + [np.zeros(0, np.int64)]
    )
    shared_tails = np.concatenate([first_group + arc_group, first_doctor + np.arange(n_doctors)])
    shared_heads = np.concatenate([first_doctor + arc_doctor, np.full(n_doctors, sink)])
    shared_caps = np.concatenate([np.minimum(group_size[arc_group], places[arc_doctor]), places])

    # Stage 1: maximise the placed weight = minimise the weight left on each class's bypass.
    class_size = np.bincount(patient_class, minlength=m)
    class_group, class_group_count = np.unique(patient_class * groups + patient_group, return_counts=True)
    _check_cost_range(weights[0], nodes, len(patients), "stage 1")
    flows, cost = _run(
        nodes,
        {**{k: int(class_size[k]) for k in range(m)}, sink: -len(patients)},
        tails=np.concatenate([class_group // groups, np.arange(m), shared_tails]),
        heads=np.concatenate([first_group + class_group % groups, np.full(m, sink), shared_heads]),
        capacities=np.concatenate([class_group_count, class_size, shared_caps]),
        costs=np.concatenate([np.zeros(len(class_group), np.int64), weights, np.zeros(len(shared_tails), np.int64)]),
    )
    placed_per_class = class_size - flows[len(class_group) : len(class_group) + m]
    placed = int(placed_per_class.sum())
    best_weight = int(np.dot(placed_per_class, weights))
    assert cost == int(np.dot(class_size, weights)) - best_weight  # the weight left unplaced
    queue = sorted(patients, key=_queue_order)
    if placed == 0:
        return Solution([], Objective(0, 0, 0), [patient.id for patient in queue])

    # Stage 2: exactly placed_per_class[k] patients of class k (all weight-optimal solutions,
    # by the matroid property); cost scale × distance_hm + (longest − waiting_days) per patient.
    longest, shortest = int(waiting.max()), int(waiting.min())
    spread = longest - shortest
    scale = 1 + placed * spread  # > any difference of the waiting term between two solutions
    _check_cost_range(scale * int(arc_hm.max(initial=0)) + spread, nodes, placed, "stage 2")
    # Buckets of interchangeable patients: same class, group and waiting days.
    bucket_code = (patient_class * groups + patient_group) * (longest + 1) + waiting
    ids = np.fromiter((patient.id for patient in patients), np.int64, len(patients))
    order = np.lexsort((ids, bucket_code))  # by bucket, then patient id
    buckets, bucket_start, bucket_count = np.unique(bucket_code[order], return_index=True, return_counts=True)
    bucket_class_group, bucket_waiting = buckets // (longest + 1), buckets % (longest + 1)
    flows, cost = _run(
        nodes,
        {**{k: int(placed_per_class[k]) for k in range(m)}, sink: -placed},
        tails=np.concatenate([bucket_class_group // groups, shared_tails]),
        heads=np.concatenate([first_group + bucket_class_group % groups, shared_heads]),
        capacities=np.concatenate([bucket_count, shared_caps]),
        costs=np.concatenate([longest - bucket_waiting, scale * arc_hm, np.zeros(n_doctors, np.int64)]),
    )

    # Back to patients: the first patients (by id) of each bucket, then a doctor for each
    # (patients of one group are interchangeable: they share the distances).
    chosen: list[list[Patient]] = [[] for _ in range(groups)]
    for b in np.nonzero(flows[: len(buckets)])[0].tolist():
        start = int(bucket_start[b])
        g = int(bucket_class_group[b] % groups)
        chosen[g].extend(patients[i] for i in order[start : start + int(flows[b])].tolist())
    arc_flows = flows[len(buckets) : len(buckets) + len(arc_group)]
    pairs: list[tuple[Patient, Candidate]] = []
    waiting_room = {g: iter(sorted(members, key=_queue_order)) for g, members in enumerate(chosen) if members}
    for arc in np.nonzero(arc_flows)[0].tolist():
        g = int(arc_group[arc])
        candidate = index.location_candidates(group_rows[g][0])[int(arc_position[arc])]
        pairs.extend((next(waiting_room[g]), candidate) for _ in range(int(arc_flows[arc])))
    assignments = sorted(
        (
            Assignment(
                patient.id,
                index.doctors[candidate.doctor].id,
                candidate.distance_hm / HM_PER_KM,
                reasons(patient, index.doctors[candidate.doctor], candidate.distance_hm / HM_PER_KM, candidate.via),
            )
            for patient, candidate in pairs
        ),
        key=lambda assignment: assignment.patient_id,
    )
    objective = Objective(
        best_weight,
        sum(candidate.distance_hm for _patient, candidate in pairs),
        sum(patient.waiting_days for patient, _candidate in pairs),
    )
    assert len(pairs) == placed and sum(patient.weight for patient, _c in pairs) == best_weight
    assert cost == scale * objective.distance_hm + placed * longest - objective.waiting_days
    placed_ids = {assignment.patient_id for assignment in assignments}
    return Solution(assignments, objective, [patient.id for patient in queue if patient.id not in placed_ids])


# --- Partitions: independent sub-problems for background workers ----------------------------


def departement_of_commune(code: str) -> str:
    """The département of an INSEE commune code: 2 characters (2A, 2B included), 3 overseas."""
    if not code:
        raise ValueError("a commune code is needed to find the département")
    return code[:3] if code.startswith(("97", "98")) else code[:2]


def departement(item: Patient | Doctor) -> str:
    """The default partition key: the département of the patient's or doctor's commune."""
    return departement_of_commune(item.commune)


def _restrict(patients: Sequence[Patient], doctors: Sequence[Doctor], excluded: frozenset[tuple[int, int]]) -> Instance:
    ids = {patient.id for patient in patients}
    return Instance(tuple(patients), tuple(doctors), frozenset(pair for pair in excluded if pair[0] in ids))


def partition(
    patients: Sequence[Patient],
    doctors: Sequence[Doctor],
    excluded: Iterable[tuple[int, int]] = (),
    key: Callable[[Patient | Doctor], Hashable] = departement,
) -> dict[Hashable, Instance]:
    """Split by `key` (applied to patients and doctors alike): a patient and a doctor with
    different keys are never paired. Each instance is solved alone by `solve_instance`."""
    excluded = frozenset(excluded)
    patients_by: dict[Hashable, list[Patient]] = defaultdict(list)
    doctors_by: dict[Hashable, list[Doctor]] = defaultdict(list)
    for patient in patients:
        patients_by[key(patient)].append(patient)
    for doctor in doctors:
        doctors_by[key(doctor)].append(doctor)
    return {
        part: _restrict(patients_by.get(part, []), doctors_by.get(part, []), excluded)
        for part in sorted(patients_by.keys() | doctors_by.keys(), key=str)
    }


def connected_components(
    patients: Sequence[Patient], doctors: Sequence[Doctor], excluded: Iterable[tuple[int, int]] = ()
) -> list[Instance]:
    """The connected components of the eligibility graph, each an independent instance.

    Patients and doctors without any eligible partner are gathered in one last instance
    (nothing can be proposed there). Solving the components apart gives the same optimum.
    """
    excluded = frozenset(excluded)
    index = EligibilityIndex(patients, doctors, excluded)
    parent = list(range(len(index.doctors)))

    def find(d: int) -> int:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    root_of_patient: dict[int, int | None] = {}
    for patient in index.patients:
        row = index.candidates(patient)
        if not row:
            root_of_patient[patient.id] = None
            continue
        first = find(row[0].doctor)
        for candidate in row[1:]:
            other = find(candidate.doctor)
            if other != first:
                parent[other] = first
        root_of_patient[patient.id] = row[0].doctor
    component_patients: dict[int, list[Patient]] = defaultdict(list)
    isolated_patients: list[Patient] = []
    for patient in index.patients:
        d = root_of_patient[patient.id]
        if d is None:
            isolated_patients.append(patient)
        else:
            component_patients[find(d)].append(patient)
    component_doctors: dict[int, list[Doctor]] = defaultdict(list)
    isolated_doctors = [doctor for doctor in doctors if doctor.places <= 0]
    for d, doctor in enumerate(index.doctors):
        root = find(d)
        if root in component_patients:
            component_doctors[root].append(doctor)
        else:
            isolated_doctors.append(doctor)
    instances = [
        _restrict(component_patients[root], component_doctors[root], excluded)
        for root in sorted(component_patients, key=lambda root: index.doctors[root].id)
    ]
    if isolated_patients or isolated_doctors:
        instances.append(_restrict(isolated_patients, isolated_doctors, excluded))
    return instances


def solve_instance(instance: Instance) -> Solution:
    """One partition's job: pure, picklable input and output."""
    return solve(instance.patients, instance.doctors, instance.excluded)


def merge(solutions: Iterable[Solution]) -> Solution:
    """The solution of the union of independent instances."""
    solutions = list(solutions)
    assignments = sorted(
        (assignment for solution in solutions for assignment in solution.assignments),
        key=lambda assignment: assignment.patient_id,
    )
    objective = Objective(
        sum(s.objective.weight for s in solutions),
        sum(s.objective.distance_hm for s in solutions),
        sum(s.objective.waiting_days for s in solutions),
    )
    return Solution(assignments, objective, [pid for solution in solutions for pid in solution.unplaced])


def solve_by_partition(
    patients: Sequence[Patient],
    doctors: Sequence[Doctor],
    excluded: Iterable[tuple[int, int]] = (),
    key: Callable[[Patient | Doctor], Hashable] = departement,
) -> Solution:
    """Solve each partition (by default each département) apart and merge: the optimum of the
    problem where pairs across partitions are forbidden. In production each partition is a
    separate background task (see docs/matching.md); this is the same thing in one process."""
    return merge(solve_instance(instance) for instance in partition(patients, doctors, excluded, key).values())


__all__ = [
    "Assignment",
    "Candidate",
    "Doctor",
    "Eligibility",
    "EligibilityIndex",
    "Instance",
    "Objective",
    "Patient",
    "ScaleError",
    "Solution",
    "connected_components",
    "departement",
    "departement_of_commune",
    "eligibility",
    "haversine_km",
    "merge",
    "objective_of",
    "partition",
    "reasons",
    "solve",
    "solve_by_partition",
    "solve_instance",
    "to_hm",
]
