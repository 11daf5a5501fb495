"""The questionnaires as the patient reads them: items, options, bands, cutoffs and LOINC codes (CLINICAL.md §3)."""

from __future__ import annotations

LOINC_PHQ9_PANEL = "44249-1"
LOINC_PHQ9_TOTAL = "44261-6"
LOINC_GAD7_PANEL = "69737-5"
LOINC_GAD7_TOTAL = "70274-6"
PHQ9 = "phq9"
GAD7 = "gad7"
PCL5 = "pcl5"
CSSRS = "cssrs"
PHQ9_STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"


PHQ9_ITEMS: tuple[tuple[str, str], ...] = (
    ("q1", "Little interest or pleasure in doing things"),
    ("q2", "Feeling down, depressed, or hopeless"),
    ("q3", "Trouble falling or staying asleep, or sleeping too much"),
    ("q4", "Feeling tired or having little energy"),
    ("q5", "Poor appetite or overeating"),
    ("q6", "Feeling bad about yourself — or that you are a failure or have let yourself or your family down"),
    ("q7", "Trouble concentrating on things, such as reading the newspaper or watching television"),
    (
        "q8",
        (
            "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so "
            "fidgety or restless that you have been moving around a lot more than usual"
        ),
    ),
    ("q9", "Thoughts that you would be better off dead or of hurting yourself in some way"),
)

GAD7_STEM = "Over the last 2 weeks, how often have you been bothered by the following problems?"


GAD7_ITEMS: tuple[tuple[str, str], ...] = (
    ("q1", "Feeling nervous, anxious, or on edge"),
    ("q2", "Not being able to stop or control worrying"),
    ("q3", "Worrying too much about different things"),
    ("q4", "Trouble relaxing"),
    ("q5", "Being so restless that it is hard to sit still"),
    ("q6", "Becoming easily annoyed or irritable"),
    ("q7", "Feeling afraid as if something awful might happen"),
)


# PHQ-9 and GAD-7 share the same frequency scale.
FREQUENCY_OPTIONS: tuple[tuple[int, str], ...] = (
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
)

PCL5_STEM = (
    "Below is a list of problems that people sometimes have in response to a very stressful experience. "
    "Please read each problem carefully and then indicate how much you have been bothered by that problem "
    "in the past month."
)


PCL5_ITEMS: tuple[tuple[str, str], ...] = (
    ("q1", "Repeated, disturbing, and unwanted memories of the stressful experience?"),
    ("q2", "Repeated, disturbing dreams of the stressful experience?"),
    (
        "q3",
        (
            "Suddenly feeling or acting as if the stressful experience were actually happening again (as if "
            "you were actually back there reliving it)?"
        ),
    ),
    ("q4", "Feeling very upset when something reminded you of the stressful experience?"),
    (
        "q5",
        (
            "Having strong physical reactions when something reminded you of the stressful experience (for "
            "example, heart pounding, trouble breathing, sweating)?"
        ),
    ),
    ("q6", "Avoiding memories, thoughts, or feelings related to the stressful experience?"),
    (
        "q7",
        (
            "Avoiding external reminders of the stressful experience (for example, people, places, "
            "conversations, activities, objects, or situations)?"
        ),
    ),
    ("q8", "Trouble remembering important parts of the stressful experience?"),
    (
        "q9",
        (
            "Having strong negative beliefs about yourself, other people, or the world (for example, having "
            "thoughts such as: I am bad, there is something seriously wrong with me, no one can be trusted, "
            "the world is completely dangerous)?"
        ),
    ),
    ("q10", "Blaming yourself or someone else for the stressful experience or what happened after it?"),
    ("q11", "Having strong negative feelings such as fear, horror, anger, guilt, or shame?"),
    ("q12", "Loss of interest in activities that you used to enjoy?"),
    ("q13", "Feeling distant or cut off from other people?"),
    (
        "q14",
        (
            "Trouble experiencing positive feelings (for example, being unable to feel happiness or have "
            "loving feelings for people close to you)?"
        ),
    ),
    ("q15", "Irritable behavior, angry outbursts, or acting aggressively?"),
    ("q16", "Taking too many risks or doing things that could cause you harm?"),
    ("q17", "Being “superalert” or watchful or on guard?"),
    ("q18", "Feeling jumpy or easily startled?"),
    ("q19", "Having difficulty concentrating?"),
    ("q20", "Trouble falling or staying asleep?"),
)


PCL5_OPTIONS: tuple[tuple[int, str], ...] = (
    (0, "Not at all"),
    (1, "A little bit"),
    (2, "Moderately"),
    (3, "Quite a bit"),
    (4, "Extremely"),
)

CSSRS_STEM = "Past month (questions 1–5); question 6 asks about your whole life and the past 3 months."


CSSRS_ITEMS: tuple[tuple[str, str], ...] = (
    ("q1", "Have you wished you were dead or wished you could go to sleep and not wake up?"),
    ("q2", "Have you actually had any thoughts of killing yourself?"),
    ("q3", "Have you been thinking about how you might do this?"),
    ("q4", "Have you had these thoughts and had some intention of acting on them?"),
    (
        "q5",
        (
            "Have you started to work out or worked out the details of how to kill yourself? "
            "Do you intend to carry out this plan?"
        ),
    ),
    (
        "q6",
        (
            "Have you ever done anything, started to do anything, or prepared to do anything to end your life? "
            "For example: collected pills, obtained a gun, gave away valuables, wrote a will or suicide note, "
            "took out pills but didn't swallow any, held a gun but changed your mind or it was grabbed from your "
            "hand, went to the roof but didn't jump; or actually took pills, tried to shoot yourself, cut "
            "yourself, tried to hang yourself."
        ),
    ),
    ("q6_recent", "Was this within the past 3 months?"),
)


CSSRS_OPTIONS: tuple[tuple[bool, str], ...] = ((True, "Yes"), (False, "No"))

# Skip logic (CLINICAL.md §3): Q3–5 are asked only when Q2 is yes; "within 3 months" only when Q6 is yes.
CSSRS_ASKED_IF_Q2_YES = ("q3", "q4", "q5")
Band = tuple[int, int, str, str]


PHQ9_BANDS: tuple[Band, ...] = (
    (0, 4, "minimal", "Minimal"),
    (5, 9, "mild", "Mild"),
    (10, 14, "moderate", "Moderate"),
    (15, 19, "moderately_severe", "Moderately severe"),
    (20, 27, "severe", "Severe"),
)


GAD7_BANDS: tuple[Band, ...] = (
    (0, 4, "minimal", "Minimal"),
    (5, 9, "mild", "Mild"),
    (10, 14, "moderate", "Moderate"),
    (15, 21, "severe", "Severe"),
)

# PCL-5: probable PTSD at >= 31–33 (CLINICAL.md §3). The clinic picks a cutoff in that range; 33 by default.
PCL5_DEFAULT_CUTOFF = 33
PCL5_CUTOFF_RANGE = (31, 33)
PCL5_BELOW = ("below_cutoff", "Below probable-PTSD cutoff")
PCL5_PROBABLE = ("probable_ptsd", "Probable PTSD")


# C-SSRS risk levels, lowest first (CLINICAL.md §3).
CSSRS_RISK_LABELS: dict[str, str] = {
    "none": "No risk identified",
    "low": "Low risk",
    "moderate": "Moderate risk",
    "high": "High risk",
}

# Remission = PHQ-9 < 5; response = >= 50 % drop from baseline (CLINICAL.md §3).
PHQ9_REMISSION_BELOW = 5
URGENT_PHQ9_ITEM9 = "PHQ-9 item 9 (thoughts of death or self-harm) above 0: same-day clinician review."
URGENT_CSSRS_HIGH = (
    "C-SSRS high risk: immediate evaluation. Show crisis resources now (US: call or text 988) "
    "and move the patient to the top of the clinicians' queue."
)

PHQ9_RISK_ITEM = "q9"  # thoughts of death or self-harm
