"""Small EHC request files shared by the ingest tests, with their figures worked out by hand.

Families offered support while waiting (ehc_waiting_support) = requests with request_outcome
"assess" whose waiting_support_offered is "yes", out of all requests with request_outcome
"assess", by calendar year of request_received_date.
"""

from __future__ import annotations

HEADER = (
    "case_ref,request_received_date,request_decision_date,request_outcome,assessment_outcome,"
    "plan_issued_date,exception_20_weeks,mediation_or_tribunal,age_at_request,sex,ethnic_group,"
    "primary_need,waiting_support_offered"
)

# 2023: A1 (yes) and A2 (no) assessed -> 1 of 2 = 50%.
# 2024: A3 (yes), A4 (no), A5 (yes), A6 (no) assessed, A7 not assessed -> 2 of 4 = 50%.
FIRST = "\r\n".join([
    HEADER,
    "A1,10/01/2023,15/02/2023,assess,plan_issued,20/05/2023,no,no,6,female,black,SLCN,yes",
    "A2,01/03/2023,20/03/2023,assess,pending,,no,no,9,male,white,ASD,no",
    "A3,10/01/2024,15/02/2024,assess,plan_issued,20/05/2024,no,no,6,female,asian,ASD,yes",
    "A4,01/02/2024,10/03/2024,assess,plan_issued,01/08/2024,no,no,11,male,white,SEMH,no",
    "A5,01/03/2024,20/03/2024,assess,pending,,no,no,4,male,mixed,SLCN,yes",
    "A6,01/04/2024,20/04/2024,assess,pending,,no,no,14,female,white,MLD,no",
    "A7,01/05/2024,20/05/2024,not_assess,,,no,no,8,male,white,ASD,no",
    "",
]).encode()  # fmt: skip

# A corrected 2024: all four assessed families were offered support -> 4 of 4 = 100%.
# Uploading it replaces the five 2024 rows of FIRST (A3 to A7); 2023 is untouched.
CORRECTED_2024 = "\r\n".join([
    HEADER,
    "B1,10/01/2024,15/02/2024,assess,plan_issued,20/05/2024,no,no,6,female,asian,ASD,yes",
    "B2,01/02/2024,10/03/2024,assess,plan_issued,01/08/2024,no,no,11,male,white,SEMH,yes",
    "B3,01/03/2024,20/03/2024,assess,pending,,no,no,4,male,mixed,SLCN,yes",
    "B4,01/04/2024,20/04/2024,assess,pending,,no,no,14,female,white,MLD,yes",
    "",
]).encode()  # fmt: skip

# Another 2024 version: three assessed, one offered support -> 1 of 3 = 33.3%.
THIRD_2024 = "\r\n".join([
    HEADER,
    "C1,10/01/2024,15/02/2024,assess,plan_issued,20/05/2024,no,no,6,female,asian,ASD,yes",
    "C2,01/02/2024,10/03/2024,assess,plan_issued,01/08/2024,no,no,11,male,white,SEMH,no",
    "C3,01/03/2024,20/03/2024,assess,pending,,no,no,4,male,mixed,SLCN,no",
    "",
]).encode()  # fmt: skip
