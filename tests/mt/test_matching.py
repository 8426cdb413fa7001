"""The médecin traitant proposal engine: optimality, constraints and tie-breaks (issue 5, point 4).

The engine (OR-Tools min-cost flow) is checked against hand-made instances with a known
optimum, an exhaustive search on tiny random instances and HiGHS (a linear program, in a
spawned process: the two solvers cannot share one) on small random instances.
"""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.mt.matching import (
    Doctor,
    Objective,
    Patient,
    ScaleError,
    connected_components,
    haversine_km,
    merge,
    objective_of,
    partition,
    solve,
    solve_by_partition,
    solve_instance,
    to_hm,
)
from maillon.mt.matching_check import HighsChecker, greedy

# Communes of the Yvelines and one of the Hauts-de-Seine (town-hall points, approximately).
VERSAILLES = ("78646", (48.8049, 2.1204))
LE_CHESNAY = ("78158", (48.8222, 2.1225))  # ~1.9 km from Versailles
SAINT_CYR = ("78545", (48.7999, 2.0631))  # ~4.2 km from Versailles, ~5.0 from Le Chesnay
RAMBOUILLET = ("78517", (48.6443, 1.8297))  # ~28 km from Versailles
BOULOGNE = ("92012", (48.8352, 2.2410))  # ~9.5 km from Versailles, another département


def patient(id, where=VERSAILLES, *, weight=1, waiting=0, traits=()):
    return Patient(id, weight, waiting, where[0], where[1], frozenset(traits))


def doctor(id, where=VERSAILLES, *, places=1, communes=None, radius=None, refuses=()):
    return Doctor(
        id,
        places,
        where[1],
        None if communes is None else frozenset(c[0] for c in communes),
        radius,
        frozenset(refuses),
        where[0],
    )


def pairs(solution):
    return {(a.patient_id, a.doctor_id) for a in solution.assignments}


# --- Known optima ---------------------------------------------------------------------------


def test_greedy_is_not_optimal_and_the_engine_is():
    # Patient 1 has waited longest and may see either doctor; patient 2 only doctor 10,
    # the nearer one. First come, first served gives doctor 10 to patient 1: one placed.
    patients = [patient(1, VERSAILLES, waiting=100), patient(2, SAINT_CYR, waiting=10)]
    doctors = [
        doctor(10, VERSAILLES, communes=[VERSAILLES, SAINT_CYR]),
        doctor(20, LE_CHESNAY, communes=[VERSAILLES]),
    ]
    fcfs = greedy(patients, doctors)
    assert pairs(fcfs) == {(1, 10)} and fcfs.unplaced == [2]
    engine = solve(patients, doctors)
    assert pairs(engine) == {(1, 20), (2, 10)}
    assert engine.objective.weight == 2 and engine.unplaced == []


def test_priority_weight_comes_before_waiting_time():
    patients = [patient(1, weight=1, waiting=900), patient(2, weight=4, waiting=1)]
    solution = solve(patients, [doctor(10)])
    assert pairs(solution) == {(2, 10)}
    assert solution.unplaced == [1]
    assert solution.objective == Objective(4, 0, 1)


def test_the_heaviest_patient_yields_the_nearest_doctor_when_that_places_one_more():
    # Giving the priority patient the nearest doctor would leave patient 2 with none.
    patients = [patient(1, VERSAILLES, weight=3), patient(2, SAINT_CYR, weight=2)]
    doctors = [doctor(10, VERSAILLES, communes=[VERSAILLES, SAINT_CYR]), doctor(20, LE_CHESNAY, communes=[VERSAILLES])]
    solution = solve(patients, doctors)
    assert pairs(solution) == {(1, 20), (2, 10)}
    assert solution.objective == Objective(5, 19 + 42, 0)


def test_weight_comes_before_distance():
    near_light = patient(1, VERSAILLES, weight=1)
    far_heavy = patient(2, RAMBOUILLET, weight=2)
    solution = solve([near_light, far_heavy], [doctor(10, VERSAILLES)])  # takes any patient
    assert pairs(solution) == {(2, 10)}


def test_equal_weights_prefer_the_shorter_distance_over_the_longer_wait():
    near = patient(1, LE_CHESNAY, waiting=5)
    far = patient(2, SAINT_CYR, waiting=500)
    solution = solve([near, far], [doctor(10, VERSAILLES, radius=10.0)])
    assert pairs(solution) == {(1, 10)}
    assert solution.objective == Objective(1, to_hm(haversine_km(LE_CHESNAY[1], VERSAILLES[1])), 5)


def test_equal_weights_and_distances_prefer_the_longest_wait():
    patients = [patient(1, waiting=30), patient(2, waiting=143), patient(3, waiting=90)]
    solution = solve(patients, [doctor(10, places=2)])
    assert pairs(solution) == {(2, 10), (3, 10)}
    assert solution.unplaced == [1]


def test_total_distance_is_minimised_across_doctors():
    # The longest-waiting patient (Saint-Cyr) would take the nearest doctor (Versailles, 4.2 km)
    # and leave the Versailles patient 1.9 km to Le Chesnay: 6.1 km. The optimum is 0 + 5.0 km.
    patients = [patient(1, VERSAILLES, waiting=1), patient(2, SAINT_CYR, waiting=10)]
    doctors = [doctor(10, VERSAILLES), doctor(20, LE_CHESNAY)]
    solution = solve(patients, doctors)
    assert pairs(solution) == {(1, 10), (2, 20)}
    assert solution.objective.distance_hm == to_hm(haversine_km(SAINT_CYR[1], LE_CHESNAY[1])) == 50
    fcfs = greedy(patients, doctors)
    assert pairs(fcfs) == {(1, 20), (2, 10)} and fcfs.objective.distance_hm == 19 + 42


# --- Constraints ----------------------------------------------------------------------------


def test_a_doctor_never_gets_more_patients_than_places():
    patients = [patient(n, waiting=n) for n in range(1, 6)]
    solution = solve(patients, [doctor(10, places=2), doctor(20, places=0)])
    assert len(solution.assignments) == 2
    assert {d for _p, d in pairs(solution)} == {10}
    assert solution.unplaced == [3, 2, 1]  # the queue order: weight, then waiting


def test_a_doctor_refusing_a_trait_is_never_proposed_to_such_a_patient():
    child, adult = patient(1, traits={"child"}, weight=5), patient(2)
    solution = solve([child, adult], [doctor(10, places=2, refuses={"child"})])
    assert pairs(solution) == {(2, 10)}
    assert solution.unplaced == [1]


def test_a_past_refusal_excludes_the_pair_but_not_the_others():
    patients = [patient(1), patient(2)]
    doctors = [doctor(10), doctor(20, SAINT_CYR)]
    solution = solve(patients, doctors, excluded={(1, 10)})
    assert (1, 10) not in pairs(solution)
    assert pairs(solution) == {(1, 20), (2, 10)}


def test_radius_is_measured_from_the_doctor_to_the_patients_commune():
    versailles_patient = patient(1, VERSAILLES)
    assert pairs(solve([versailles_patient], [doctor(10, SAINT_CYR, radius=5.0)])) == {(1, 10)}
    assert pairs(solve([versailles_patient], [doctor(10, SAINT_CYR, radius=4.0)])) == set()


def test_commune_list_takes_far_communes_and_only_them():
    far = patient(1, RAMBOUILLET)
    near_but_not_listed = patient(2, LE_CHESNAY)
    solution = solve([far, near_but_not_listed], [doctor(10, VERSAILLES, places=2, communes=[RAMBOUILLET])])
    assert pairs(solution) == {(1, 10)}


def test_list_or_radius_either_suffices():
    listed_far, in_radius = patient(1, RAMBOUILLET), patient(2, LE_CHESNAY)
    outside_both = patient(3, SAINT_CYR)
    doctors = [doctor(10, VERSAILLES, places=3, communes=[RAMBOUILLET], radius=3.0)]
    assert pairs(solve([listed_far, in_radius, outside_both], doctors)) == {(1, 10), (2, 10)}


def test_a_doctor_without_list_or_radius_takes_any_patient():
    assert pairs(solve([patient(1, RAMBOUILLET)], [doctor(10, BOULOGNE)])) == {(1, 10)}


def test_each_proposal_says_why_in_french():
    patients = [
        patient(1, SAINT_CYR, weight=4, waiting=143),
        patient(2, RAMBOUILLET, waiting=1),
        patient(3, VERSAILLES, waiting=0),
    ]
    doctors = [
        doctor(10, VERSAILLES, radius=10.0),
        doctor(20, VERSAILLES, communes=[RAMBOUILLET]),
        doctor(30, BOULOGNE, communes=[BOULOGNE], radius=12.5),
    ]
    by_patient = {a.patient_id: a for a in solve(patients, doctors).assignments}
    assert by_patient[1].doctor_id == 10 and by_patient[1].distance_km == 4.2
    assert by_patient[1].reasons == (
        "à 4,2 km, dans le rayon de 10 km",
        "en attente depuis 143 jours",
        "score de priorité : 4",
    )
    assert by_patient[2].reasons[0].endswith(" km, dans la liste des communes du médecin")
    assert by_patient[2].reasons[1] == "en attente depuis 1 jour"
    assert by_patient[3].reasons[:2] == ("à 9,5 km, dans le rayon de 12,5 km", "inscrit aujourd'hui")


def test_invalid_inputs_are_refused():
    with pytest.raises(ValueError, match="weight"):
        patient(1, weight=0)
    with pytest.raises(ValueError, match="places"):
        doctor(1, places=-1)
    with pytest.raises(ValueError, match="unique"):
        solve([patient(1), patient(1)], [doctor(10)])


def test_costs_that_would_overflow_are_refused_rather_than_rounded():
    patients = [patient(1, VERSAILLES, waiting=10**16), patient(2, RAMBOUILLET, waiting=0)]
    with pytest.raises(ScaleError):
        solve(patients, [doctor(10, places=2)])


# --- Partitions -------------------------------------------------------------------------------


def test_partition_by_departement_never_pairs_across_departements():
    patients = [patient(1, BOULOGNE), patient(2, VERSAILLES)]
    doctors = [doctor(10, VERSAILLES, places=2)]  # takes anyone: would take the Boulogne patient
    assert pairs(solve(patients, doctors)) == {(1, 10), (2, 10)}
    by_departement = solve_by_partition(patients, doctors)
    assert pairs(by_departement) == {(2, 10)}
    assert by_departement.unplaced == [1]
    parts = partition(patients, doctors)
    assert sorted(parts) == ["78", "92"]
    assert [p.id for p in parts["92"].patients] == [1] and parts["92"].doctors == ()


def test_partitions_are_independent_jobs_whose_merge_is_the_whole_solution():
    patients = [patient(1, VERSAILLES, weight=2), patient(2, BOULOGNE), patient(3, SAINT_CYR, waiting=9)]
    doctors = [doctor(10, VERSAILLES, radius=5.0), doctor(20, BOULOGNE, radius=2.0)]
    instances = list(partition(patients, doctors, excluded={(1, 10)}).values())
    assert merge(solve_instance(instance) for instance in instances) == solve_by_partition(
        patients, doctors, excluded={(1, 10)}
    )
    assert instances[0].excluded == frozenset({(1, 10)})


def test_connected_components_solve_to_the_same_optimum():
    patients = [patient(n, place, weight=1 + n % 3, waiting=n) for n, place in enumerate([VERSAILLES, BOULOGNE] * 4)]
    doctors = [doctor(10, VERSAILLES, places=2, radius=3.0), doctor(20, BOULOGNE, radius=1.0), doctor(30, RAMBOUILLET)]
    components = connected_components(patients, doctors)
    # Doctor 30 takes anyone: everything is connected through it.
    assert len(components) == 1
    doctors[2] = doctor(30, RAMBOUILLET, communes=[RAMBOUILLET])
    components = connected_components(patients, doctors)
    assert len(components) == 3  # Versailles, Boulogne, and doctor 30 alone
    assert merge(solve_instance(c) for c in components).objective == solve(patients, doctors).objective


# --- Properties on random instances --------------------------------------------------------------

COMMUNES = [VERSAILLES, LE_CHESNAY, SAINT_CYR, BOULOGNE, ("78999", VERSAILLES[1])]  # two communes, one point
TRAITS = ["child", "ald", "c2s"]


def rule_allows(p: Patient, d: Doctor, excluded) -> bool:
    """The eligibility rule, written again from the issue, independently of the engine."""
    if d.places < 1 or (p.id, d.id) in excluded or set(p.traits) & set(d.refuses):
        return False
    listed = d.communes is not None and p.commune in d.communes
    near = d.radius_km is not None and haversine_km(p.point, d.point) <= d.radius_km
    unrestricted = d.communes is None and d.radius_km is None
    return listed or near or unrestricted


@st.composite
def instances(draw, max_patients=12, max_doctors=5):
    n_patients = draw(st.integers(0, max_patients))
    n_doctors = draw(st.integers(0, max_doctors))
    patients = [
        Patient(
            n,
            draw(st.sampled_from([1, 1, 2, 3])),  # many equal weights: the tie-breaks matter
            draw(st.integers(0, 3) | st.integers(0, 400)),  # ties, and waits that outweigh distances
            *draw(st.sampled_from(COMMUNES)),
            frozenset(draw(st.sets(st.sampled_from(TRAITS), max_size=2))),
        )
        for n in range(n_patients)
    ]
    doctors = []
    for n in range(n_doctors):
        code, point = draw(st.sampled_from(COMMUNES))
        communes = draw(st.none() | st.sets(st.sampled_from([c for c, _p in COMMUNES]), max_size=3))
        doctors.append(
            Doctor(
                100 + n,
                draw(st.integers(0, 2)),
                point,
                None if communes is None else frozenset(communes),
                draw(st.sampled_from([None, 0.0, 2.0, 5.0, 12.0])),
                frozenset(draw(st.sets(st.sampled_from(TRAITS), max_size=1))),
                code,
            )
        )
    all_pairs = [(p.id, d.id) for p in patients for d in doctors]
    excluded = set(draw(st.lists(st.sampled_from(all_pairs), max_size=4))) if all_pairs else set()
    return patients, doctors, excluded


def check_feasible(solution, patients, doctors, excluded):
    doctor_of = {d.id: d for d in doctors}
    patient_of = {p.id: p for p in patients}
    placed = [a.patient_id for a in solution.assignments]
    assert len(placed) == len(set(placed)), "one doctor per patient at most"
    for a in solution.assignments:
        assert rule_allows(patient_of[a.patient_id], doctor_of[a.doctor_id], excluded)
    for d in doctors:
        assert sum(1 for a in solution.assignments if a.doctor_id == d.id) <= d.places
    assert sorted(placed + solution.unplaced) == sorted(patient_of)
    assert solution.objective == objective_of(pairs(solution), patients, doctors)


def exhaustive_best(patients, doctors, excluded) -> Objective | None:
    """Every assignment of every patient to a doctor or to nobody; the best objective."""
    options = [[None] + [d for d in doctors if rule_allows(p, d, excluded)] for p in patients]
    best = None
    for choice in itertools.product(*options):
        load = {}
        for d in choice:
            if d is not None:
                load[d.id] = load.get(d.id, 0) + 1
        if any(load[d.id] > d.places for d in doctors if d.id in load):
            continue
        objective = objective_of([(p.id, d.id) for p, d in zip(patients, choice, strict=True) if d], patients, doctors)
        if best is None or objective.rank() > best.rank():
            best = objective
    return best


@settings(max_examples=150, deadline=None)
@given(instances(max_patients=5, max_doctors=3))
def test_engine_matches_an_exhaustive_search(instance):
    patients, doctors, excluded = instance
    solution = solve(patients, doctors, excluded)
    check_feasible(solution, patients, doctors, excluded)
    assert solution.objective == (exhaustive_best(patients, doctors, excluded) or Objective(0, 0, 0))


@pytest.fixture(scope="module")
def highs():
    with HighsChecker() as checker:
        yield checker


@settings(max_examples=120, deadline=None)
@given(instance=instances())
def test_engine_objective_equals_highs_and_beats_greedy(highs, instance):
    patients, doctors, excluded = instance
    solution = solve(patients, doctors, excluded)
    check_feasible(solution, patients, doctors, excluded)
    assert solution.objective == highs.objective(patients, doctors, excluded)
    fcfs = greedy(patients, doctors, excluded)
    check_feasible(fcfs, patients, doctors, excluded)
    assert solution.objective.rank() >= fcfs.objective.rank()
    assert solution.objective.weight >= fcfs.objective.weight


@settings(max_examples=60, deadline=None)
@given(instances(), st.sampled_from(["département", "commune"]))
def test_solving_by_partition_is_optimal_within_each_part(instance, kind):
    patients, doctors, excluded = instance
    key = (lambda x: x.commune[:2]) if kind == "département" else (lambda x: x.commune)
    merged = solve_by_partition(patients, doctors, excluded, key=key)
    for a in merged.assignments:
        p = next(p for p in patients if p.id == a.patient_id)
        d = next(d for d in doctors if d.id == a.doctor_id)
        assert key(p) == key(d)
    check_feasible(merged, patients, doctors, excluded)
    assert merged.objective.rank() <= solve(patients, doctors, excluded).objective.rank()
