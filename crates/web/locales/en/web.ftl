# The web app's texts in English; the keys are the same in both files (a test checks).
# Grouped by the page file that first uses them.

## layout

skip-to-content = Skip to content
language-and-account = Language and account
sign-out = Sign out
pages = Pages
not-found = Not found
there-are-problems-in-the-form = There are problems in the form
grants-by-status = Grants by status
month-not-yet-due = not yet due
month-due = due
month-reported-on-time = reported on time
month-reported-late = reported late
month-missing = missing
can-be-reported-from = can be reported from
due-by = due by
report-the-month = Report the month
see-or-correct = See or correct
what-you-owe = What you owe
what-you-owe-caption = Monthly hours reports per contract: status, deadline and form for each month
reporting-by-contract = Reports by contract
setup = Setup
nav-setup = Setup
setup-is-for-the-bygherre = Setup is for the bygherre and the administrator.
estates-and-grants = Estates and grants
estate = Estate
housing-organisation = Housing organisation
grants = Grants
the-first-200-estates-are-shown = The first 200 estates are shown.
the-estate-was-registered = The estate is registered
the-grant-was-registered = The grant is registered
the-contractor-was-registered = The contractor is registered
receipt = Receipt
registered-at = on
at-clock = at
reference = Reference
skema-a = Skema A
skema-b = Skema B
skema-c = Skema C
renovation = Renovation
new-build = New build
new-estate = New estate
estate-name = Name of the estate
address-optional = Address (optional)
register-estate = Register the estate
new-grant = New grant
case-number = LBF case number
grant-kind = Kind
skema-stage = Skema stage
craftsman-cost-dkk = Craftsman cost at Skema B, DKK (optional)
construction-start-optional = Construction start (optional)
planned-handover-optional = Planned handover (optional)
register-grant = Register the grant
new-contractor = New contractor
cvr-hint = The CVR number has 8 digits; the last is a check digit.
cvr-number = CVR number
company-name = Company name
register-contractor = Register the contractor
enter-a-year = Enter a year, such as 2024.
address = Address
craftsman-cost = The craftsman cost
construction-start = The construction start
planned-handover = The planned handover
the-page-does-not-exist = The page does not exist.
the-form-was-refused = The form was refused
the-form-did-not-come-from = The form did not come from this session. Reload the page and try again.


## navigation and sorting

nav-portfolio = Portfolio
nav-contractors = Contractors
nav-payroll-import = Payroll import
nav-reminders = Reminders
nav-trials = Trial placements
nav-groups = Follow-up groups
nav-contracts-and-figures = Contracts and figures
sort-case-number = Case number
sort-share-ascending = Lowest share first
sort-share-descending = Highest share first
sort-shortfall-descending = Most hours short first

## contractor

your-trainee-hours-per-case = Your trainee hours per case
hours-unit = hours
your-contracts = Your contracts
the-first-100-contracts-are-shown = The first 100 contracts are shown.
case = Case
trade = Trade
period = Period
the-training-clause-asks-for = The training clause asks for
hours = Hours
report-hours = Report hours
your-figures = Your figures
your-hours-and-what-your-clauses = Your hours and what your clauses still ask for, per case
labour-hours = Labour hours
trainee-hours = Trainee hours
share = Share (%)
clause-short-hours = Clause short (hours)
behind = Behind
yes = yes
no = no
your-trainee-hours-per-case-the = Your trainee hours per case; the table above has the numbers.
hours-of-persons-in-training-phrase = hours of persons in training
of-the-contracts-hours = of the contract's hours
exempt = Exempt:{" "}
no-clause = No clause

## grant

breach = breach
warning = warning
information = information
lbf-grant = LBF grant
status-on = Status{" "}
key-figures = Key figures
yearly-lbf-report = Yearly LBF report
back-to-the-portfolio = Back to the portfolio
trainee-share = Trainee share
required-phrase = required
labour-hours-on-site = Labour hours on site
hours-of-persons-in-training = Hours of persons in training
hours-required = Hours required
hours-short = Hours short
target = Target
rsv-rk = årsværk
expected-by-now-delivered = Expected by now / delivered
projected-share-at-handover = Projected share at handover
trainee-share-cumulative-against-the-requirement = Trainee share, cumulative, against the requirement
percent = percent
trainee-share-cumulative = Trainee share (cumulative)
required = Required
hours-of-persons-in-training-cumulative = Hours of persons in training, cumulative, against the target line
delivered-cumulative = Delivered (cumulative)
target-line = Target line
progress = Progress
the-trainee-share-month-by-month = The trainee share month by month against the requirement. The table below has the numbers.
hours-delivered-against-the-pro-rata = Hours delivered against the pro-rata target line.
month-by-month = Month by month
month = Month
share-cumulative = Share, cumulative (%)
required-percent = Required (%)
hours-cumulative = Hours, cumulative
target-line-hours = Target line (hours)
trainee-share-per-contractor-against-the = Trainee share per contractor against the requirement
the-contractors = The contractors
each-contractors-trainee-share-the-vertical = Each contractor's trainee share; the vertical line is the site's requirement. The table below has the numbers.
contractor = Contractor
clause-asks-for-hours = Clause asks for (hours)
behind-in-brackets = (behind)
findings = Findings
no-findings = No findings.

## grants

portfolio = Portfolio
the-commitment-year-must-be-a = The commitment year must be a year such as 2024. The filter was not applied.
lbf-grants-trainee-share-against-the = LBF grants: trainee share against the requirement, hours short, target and the next deadlines
title = Title
status = Status
rsv-rk-delivered-target = Årsværk delivered / target
next-deadlines = Next deadlines
no-grant-matches-the-filter = No grant matches the filter.
contractor-ranking = Contractor ranking
all = All
municipality = Municipality
commitment-year = Commitment year
sort-by = Sort by
show = Show
hours-for = Hours for{" "}
outstanding = outstanding
lbf-report = LBF report{" "}
overdue = (overdue)
follow-up-meeting-by = Follow-up meeting by{" "}
ranking-intro = Contractors by how many hours their training clauses still ask for. A contractor is judged on its own clause; the minimum share ({ $share } % unless a grant sets its own) is the bygherre's requirement for the whole site.
behind-on = Behind on
year = Year
submitted-the-figures-below-are-the = Submitted. The figures below are the latest submitted version.
not-submitted-the-figures-below-are = Not submitted. The figures below are the current ones.
the-report = The report
download-the-organisations-report-for-the = Download the organisation's report for the year (Excel)
csv = CSV
versions = Versions
version = Version
submitted = Submitted
by = By
reason-for-correction = Reason for correction
correct-the-report = Correct the report
reason-required = Reason (required)
submit-correction = Submit correction
submit-the-report = Submit the report
the-figures-are-frozen-when-submitted = The figures are frozen when submitted. Later corrections need a reason.
submit = Submit
back-to-the-grant = Back to the grant
the-report-was-submitted = The report was submitted.
the-correction-was-submitted = The correction was submitted.

## home

your-role-has-no-pages-yet = Your role has no pages yet.
welcome = Welcome

## hours

monthly-hours-report = Monthly hours report
you-have-no-such-contract = You have no such contract.
contract-label = Contract:{" "}
saved-sentence = Saved.
the-hours-for = The hours for{" "}
are-reported = {" "}are reported.
month-yyyy-mm = Month (yyyy-mm)
total-hours-on-site-everyone-paid = Total hours on site (everyone paid by the hour, persons in training included)
no-active-placements-on-the-contract = No active placements on the contract that month.
report = Report
monthly-hours = Monthly hours
choose-a-contract-on-the-start = Choose a contract on the start page.
write-the-month-as-yyyy-mm = Write the month as yyyy-mm, such as 2026-10.
write-the-total-hours-as-a = Write the total hours as a number, such as 1,234.5.
the-form-is-incomplete-reload-the = The form is incomplete. Reload the page and try again.
write-the-hours-as-a-number = Write the hours as a number, such as 150.5.

## import

payroll-import = Payroll import
load-the-months-hours-from-the = Load the month's hours from the payroll system as CSV (semicolons or commas) or XLSX, at most 2 MiB. Columns: kontrakt (or cvr and sagsnummer), måned, timer i alt, and per trainee medarbejdernummer and timer. Check the file first: checking writes nothing. Importing saves the whole file or nothing, and the same file is imported only once.
file = File
filed-on-only-when-loading-history = Filed on (only when loading history; empty: today)
check-saves-nothing = Check (saves nothing)
import = Import
your-role-cannot-import-hours = Your role cannot import hours.
the-file-was-checked-without-problems = The file was checked without problems. Nothing is saved yet: choose the file again and press Import.
the-file-is-imported = The file is imported.
this-file-was-imported-before-nothing = This file was imported before; nothing was changed.
the-file-has-problems-and-was = The file has problems and was not imported; nothing was saved. Fix the problems below and try again.
problems-in-the-file = Problems in the file
line = Line
column = Column
problem = Problem
what-the-file-will-save = What the file will save
saved = Saved
contract = Contract
total-hours = Total hours
hours-in-training = Hours in training
lines-in-the-file = Lines in the file
replaces-a-report = Replaces a report
the-file-is-larger-than-2-mib = The file is larger than 2 MiB.
choose-a-file = Choose a file.
write-the-date-as-yyyy-mm = Write the date as yyyy-mm-dd.

## reminders

reminders = Reminders
hours-report = Hours report
reminder-hours-when = from { $lead } days before the deadline (day { $day } of the next month unless the grant sets its own), when a contract has not reported last month
reminder-lbf-when = { $first }, { $second } and { $third } days before { $due }
trial-placement-without-outcome = Trial placement without outcome
when-a-trial-placement-has-ended = when a trial placement has ended without an outcome
three-month-status-of-a-trial = Status three months after a trial placement
when-three-months-have-passed = when three months have passed after a trial placement without a recorded status
follow-up-group-meeting = Follow-up group meeting
reminder-meeting-when = { $lead } days before the next meeting is due
new-breach = New breach
when-a-grant-gets-a-new = when a grant gets a new breach
choose-which-reminders-you-receive-by = Choose which reminders you receive by e-mail. You only get reminders about what you have access to.
you-have-not-chosen-yet-below = You have not chosen yet; below are your role's defaults.
your-role-receives-no-reminders = Your role receives no reminders.
save = Save
unknown-kind-of-reminder = Unknown kind of reminder
your-reminders-are-saved = Your reminders are saved.

## trials

ordinary-job = Ordinary job
apprenticeship = Apprenticeship
education = Education
job-elsewhere = Job elsewhere
back-to-the-jobcenter = Back to the jobcenter
dropped-out = Dropped out
trial-placements-snusepraktik = Trial placements (snusepraktik)
running-and-ended-placements = Running and ended placements
ending-within-a-week = Ending within a week
ended-without-an-outcome = Ended without an outcome
running = Running
participant = Participant
host = Host
trades-tried = Trades tried
outcome-and-next-step = Outcome and next step
started = Started
completed-trials = Completed
trial-placements-from-start-to-jobs = Trial placements: from start to jobs and education
number = number
the-funnel = The funnel
trial-placements-started-completed-and-on = Trial placements started, completed and on to jobs, apprenticeships and education. The table below has the numbers.
the-funnel-in-numbers = The funnel in numbers
without-an-outcome-yet = Without an outcome yet
log-a-new-trial-placement = Log a new trial placement
grant = Grant
host-company-optional = Host company (optional)
start-date = Start date
end-date = End date
trades-separated-by-commas = Trades, separated by commas
log-placement = Log placement
outcome = Outcome
date = Date
next-step = Next step
save-outcome = Save outcome
the-trial-placement-was-logged = The trial placement was logged.
the-outcome-was-saved = The outcome was saved.
enter-a-date = Enter a date such as 2026-03-01.
choose-one-of-the-options-in = Choose one of the options in the list.
choose-one-of-the-outcomes-in = Choose one of the outcomes in the list.
follow-up-groups = Follow-up groups
follow-up-group = Follow-up group
the-next-meeting-is-due-by = The next meeting is due by{" "}
at-most = at most{" "}
days-between-meetings = {" "}days between meetings
open-action-items = Open action items
item = Item
owner = Owner
due = Due
from-the-meeting = From the meeting
members = Members
meetings = Meetings
attended = Attended:{" "}
minutes = Minutes
no-minutes-yet = No minutes yet.
decisions = Decisions
register-a-meeting = Register a meeting
length-minutes = Length (minutes)
register-the-meeting = Register the meeting
all-follow-up-groups = All follow-up groups
the-meeting-was-registered = The meeting was registered.
the-length-must-be-whole-minutes = The length must be whole minutes, such as 60.

## mod

not-started = not started
compliant = compliant
at-risk = at risk
in-breach = in breach
status-completed = completed

# Status three months after a snusepraktik (R10)
in-ordinary-work = In ordinary work
in-education-or-apprenticeship = In education or an apprenticeship
self-supporting-otherwise = Self-supporting otherwise
back-on-benefits = Back on benefits
unknown-not-reached = Unknown (could not be reached)
status-three-months-after = Status three months after
three-months-passed-without-a-status = Three months after, without a status
status-after-three-months = Status after three months
found-out-on = Found out on
save-status = Save status
three-months-later = Three months later
three-months-have-passed = Three months have passed
self-supporting-after-three-months = Self-supporting after three months
without-a-status-yet = Without a status yet
the-status-was-saved = The status after three months was saved.

# The grant page's clauses and residents' share (R11)
the-contracts-clauses = The contracts' training clauses
training-clause = Training clause
clause-share = { $percent } % of the hours by persons in training
clause-hours = { $hours } hours by persons in training
clause-weeks = { $weeks } trainee weeks ({ $hours } hours)
clause-ratio = one person in training per { $n } skilled workers
clause-apprentice-part = at least { $percent } % of the trainee hours by apprentices
clause-company-documentation = lapses when the company documents at least { $percent } % persons in training
residents-share = Residents' share
snusepraktik-participants = Trial placement participants
persons-in-training = Persons in training
group = Group
people = People
residents = Residents
below-target-in-brackets = (below target)
no-target = No target (information only)
target-percent = Target (%)
residents-in-snusepraktik = Residents in trial placements (%, target)
how-many = Number

# The contracts page
contracts-and-clauses = Contracts and clauses
value-dkk = Value (DKK)
company-documentation = Company documentation
withdrawn-in-brackets = (withdrawn)
from = From
to = To
documented-company-share-percent = Documented company share (%)
document = Document
record-documentation = Record documentation
new-contract = New contract
contract-kind = Kind of contract
parent-contract-for-a-subcontract = Parent contract (subcontracts only)
start = Start
end = End
training-clause-fill-in-the-forms = Training clause: fill in the forms the contract states
clause-share-percent = Share of the hours (%)
clause-trainee-hours = Hours by persons in training
clause-trainee-weeks = Trainee weeks (elevuger)
a-week-is-37-hours = A trainee week is 37 hours.
clause-skilled-per-trainee = One person in training per this many skilled workers
clause-apprentice-percent = Of them apprentices at least (%)
clause-threshold-percent = Lapses on a documented company share of at least (%)
or-an-exemption = Or an exemption
reason = Reason
approved-by = Approved by
register-contract = Register contract
main-contract = Main contract
trade-contract = Trade contract
turnkey-contract = Turnkey contract
subcontract = Subcontract
the-contract-was-registered = The contract was registered.
the-documentation-was-recorded = The documentation was recorded.
enter-a-number = Enter a number, e.g. 1,234.50.
enter-a-whole-number = Enter a whole number, e.g. 10.
leave-a-target-empty-for-none = Leave a target empty and the share is information only.
target-residents-in-snusepraktik = Target for residents among trial placement participants (%)
target-residents-in-training = Target for residents among persons in training (%)
save-targets = Save targets

# Role names and the unknown address
go-to-the-front-page = Go to the front page
role-admin = administrator
role-bygherre = client
role-contractor = contractor
role-tovholder = coordinator
role-viewer = read-only

# Replacing a reported month
the-month-is-already-reported = The month is already reported:
confirm-to-replace-it = Confirm that the new figures replace them.
on-file = On file
new = New
hours-in-total = hours in total
by-persons-in-training = hours by persons in training
reporting-again-replaces-it = Report again and you will be asked to confirm before the figures are replaced.
replace-the-report = Replace the report
outcome-without-a-next-plan = Outcome without a next plan
save-the-plan = Save the plan
