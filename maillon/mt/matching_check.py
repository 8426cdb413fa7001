"""Checks of the proposal engine: a second exact solver (a linear program solved by HiGHS)
and the first-come-first-served greedy pass that CPTS do by hand.

HiGHS and OR-Tools cannot share a process: OR-Tools bundles its own HiGHS under the same
shared-library name (libhighs.so.1, another version), so whichever is loaded first breaks the
other (undefined symbols). `highs_objective` therefore refuses to run once OR-Tools is loaded;
`HighsChecker` runs it in a separate (spawned) process, which is what tests and the bench use.
Both modules import their solver lazily, so importing them loads neither.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor

from maillon.mt.matching import (
    Assignment,
    Doctor,
    EligibilityIndex,
    Objective,
    Patient,
    Solution,
    eligibility,
    objective_of,
    reasons,
    to_hm,
)

_ORTOOLS_MODULE = "ortools.graph.python.min_cost_flow"
_INTEGRALITY_TOLERANCE = 1e-6


def highs_objective(
    patients: Sequence[Patient], doctors: Sequence[Doctor], excluded: Iterable[tuple[int, int]] = ()
) -> Objective:
    """The lexicographic optimum as three linear programs over x[p, d] ∈ [0, 1]:

    constraints: Σ_d x[p, d] ≤ 1 per patient, Σ_p x[p, d] ≤ places per doctor, variables only
    for eligible pairs (the per-pair rule `matching.eligibility`, not the engine's index);
    stage 1 maximises Σ weight·x; stage 2 adds Σ weight·x = W* and minimises Σ distance_hm·x;
    stage 3 adds Σ distance_hm·x = Δ* and maximises Σ waiting_days·x. The constraint matrix
    of stage 1 is totally unimodular, so its polytope is integral; each optimal face of an
    integral polytope is integral, so every stage's optimum is attained at an integral point
    (checked on the final solution).
    """
    if _ORTOOLS_MODULE in sys.modules:
        raise RuntimeError("HiGHS cannot run in a process where OR-Tools is loaded: use HighsChecker")
    import highspy
    import numpy as np

    excluded = frozenset(excluded)
    pairs: list[tuple[int, int, int]] = []  # (patient index, doctor index, distance_hm)
    for p, patient in enumerate(patients):
        for d, doctor in enumerate(doctors):
            found = eligibility(patient, doctor, excluded)
            if found is not None:
                pairs.append((p, d, to_hm(found.distance_km)))
    if not pairs:
        return Objective(0, 0, 0)
    n = len(pairs)
    inf = highspy.kHighsInf
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("presolve", "off")  # the plain simplex, an independent path from the flow
    h.addVars(n, np.zeros(n), np.ones(n))
    by_patient: dict[int, list[int]] = {}
    by_doctor: dict[int, list[int]] = {}
    for j, (p, d, _hm) in enumerate(pairs):
        by_patient.setdefault(p, []).append(j)
        by_doctor.setdefault(d, []).append(j)
    for columns in by_patient.values():
        h.addRow(-inf, 1.0, len(columns), np.array(columns, dtype=np.int32), np.ones(len(columns)))
    for d, columns in by_doctor.items():
        h.addRow(-inf, float(doctors[d].places), len(columns), np.array(columns, dtype=np.int32), np.ones(len(columns)))
    all_columns = np.arange(n, dtype=np.int32)
    weight = np.array([float(patients[p].weight) for p, _d, _hm in pairs])
    distance = np.array([float(hm) for _p, _d, hm in pairs])
    waiting = np.array([float(patients[p].waiting_days) for p, _d, _hm in pairs])

    def optimise(costs, sense) -> float:
        h.changeColsCost(n, all_columns, costs)
        h.changeObjectiveSense(sense)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS: {h.modelStatusToString(h.getModelStatus())}")
        return h.getInfo().objective_function_value

    best_weight = round(optimise(weight, highspy.ObjSense.kMaximize))
    h.addRow(float(best_weight), float(best_weight), n, all_columns, weight)
    best_distance = round(optimise(distance, highspy.ObjSense.kMinimize))
    h.addRow(float(best_distance), float(best_distance), n, all_columns, distance)
    best_waiting = round(optimise(waiting, highspy.ObjSense.kMaximize))
    values = np.array(h.getSolution().col_value)
    if np.any(np.abs(values - np.round(values)) > _INTEGRALITY_TOLERANCE):
        raise RuntimeError("HiGHS returned a fractional vertex")  # would contradict total unimodularity
    return Objective(best_weight, best_distance, best_waiting)


class HighsChecker:
    """`highs_objective` in a spawned process that never loads OR-Tools.

    with HighsChecker() as checker:
        objective = checker.objective(patients, doctors, excluded)
    """

    def __enter__(self) -> HighsChecker:
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return self

    def __exit__(self, *exc_info) -> None:
        self._pool.shutdown()

    def objective(
        self, patients: Sequence[Patient], doctors: Sequence[Doctor], excluded: Iterable[tuple[int, int]] = ()
    ) -> Objective:
        return self._pool.submit(highs_objective, list(patients), list(doctors), frozenset(excluded)).result()


def greedy(
    patients: Sequence[Patient], doctors: Sequence[Doctor], excluded: Iterable[tuple[int, int]] = ()
) -> Solution:
    """First come, first served: the longest-waiting patient first (then the lower id) gets the
    nearest eligible doctor who still has places (then the lower doctor id)."""
    index = EligibilityIndex(patients, doctors, excluded)
    left = [doctor.places for doctor in index.doctors]
    assignments: list[Assignment] = []
    unplaced: list[int] = []
    for patient in sorted(patients, key=lambda patient: (-patient.waiting_days, patient.id)):
        for candidate in index.candidates(patient):
            if left[candidate.doctor] > 0:
                left[candidate.doctor] -= 1
                doctor = index.doctors[candidate.doctor]
                km = candidate.distance_hm / 10
                assignments.append(Assignment(patient.id, doctor.id, km, reasons(patient, doctor, km, candidate.via)))
                break
        else:
            unplaced.append(patient.id)
    assignments.sort(key=lambda assignment: assignment.patient_id)
    objective = objective_of(((a.patient_id, a.doctor_id) for a in assignments), patients, doctors)
    return Solution(assignments, objective, unplaced)
