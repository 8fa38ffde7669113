from qamqor.core.testing import factories as f
from qamqor.journal.services import request_intake, request_schedule
from qamqor.portal.selectors import nearest_times, offered_times, specialists_for_topic, times_by_day


def test_specialists_for_a_topic_best_fit_first(point, psychologist, speech_therapist):
    # school_readiness: educator, psychologist, speech therapist.
    assert specialists_for_topic(point.organization_id, f.topic("school_readiness")) == [psychologist, speech_therapist]
    assert specialists_for_topic(point.organization_id, f.topic("nutrition")) == []


def test_a_time_is_offered_once_with_the_first_free_specialist(point, psychologist, speech_therapist, day):
    times = {t.starts_at: t.specialist for t in offered_times([psychologist, speech_therapist])}
    assert times[f.at(day, "10:00")] == psychologist
    other = request_intake(
        organization=point.organization,
        parent=f.ParentFactory(organization=point.organization),
        channel="phone",
        topic=f.topic(),
        question="?",
        received_by=None,
    )
    request_schedule(request=other, specialists=[psychologist], starts_at=f.at(day, "10:00"), by=None)
    times = offered_times([psychologist, speech_therapist])
    assert [t.specialist for t in times if t.starts_at == f.at(day, "10:00")] == [speech_therapist]
    assert len({t.starts_at for t in times}) == len(times)


def test_nearest_times_around_a_taken_one(psychologist, day):
    times = offered_times([psychologist])
    nearest = nearest_times(times, around=f.at(day, "10:00"))
    assert [t.starts_at for t in nearest] == [f.at(day, hhmm) for hhmm in ("09:30", "10:00", "10:30")]
    assert [d for d, _ in times_by_day(nearest)] == [day]
