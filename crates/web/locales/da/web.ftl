# The web app's texts in Danish; the keys are the same in both files (a test checks).
# Grouped by the page file that first uses them.

## layout

skip-to-content = Spring til indhold
language-and-account = Sprog og konto
sign-out = Log ud
pages = Sider
not-found = Ikke fundet
there-are-problems-in-the-form = Der er problemer i formularen
grants-by-status = Tilsagn efter status
month-not-yet-due = ikke forfalden
month-due = skal indberettes
month-reported-on-time = indberettet til tiden
month-reported-late = indberettet for sent
month-missing = mangler
can-be-reported-from = kan indberettes fra
due-by = senest
report-the-month = Indberet måneden
see-or-correct = Se eller ret
what-you-owe = Det skal du indberette
what-you-owe-caption = Månedsindberetning af timer pr. kontrakt: status, frist og formular for hver måned
reporting-by-contract = Indberetninger pr. kontrakt
setup = Opsætning
nav-setup = Opsætning
setup-is-for-the-bygherre = Opsætningen er for bygherren og administratoren.
estates-and-grants = Afdelinger og tilsagn
estate = Afdeling
housing-organisation = Boligorganisation
grants = Tilsagn
the-first-200-estates-are-shown = De første 200 afdelinger vises.
the-estate-was-registered = Afdelingen er registreret
the-grant-was-registered = Tilsagnet er registreret
the-contractor-was-registered = Entreprenøren er registreret
receipt = Kvittering
registered-at = den
at-clock = kl.
reference = Reference
skema-a = Skema A
skema-b = Skema B
skema-c = Skema C
renovation = Renovering
new-build = Nybyggeri
new-estate = Ny afdeling
estate-name = Afdelingens navn
address-optional = Adresse (valgfri)
register-estate = Registrér afdelingen
new-grant = Nyt tilsagn
case-number = LBF-sagsnummer
grant-kind = Type
skema-stage = Skema
craftsman-cost-dkk = Håndværkerudgift ved Skema B, kr. (valgfri)
construction-start-optional = Byggepladsen etableret (valgfri)
planned-handover-optional = Planlagt aflevering (valgfri)
register-grant = Registrér tilsagnet
new-contractor = Ny entreprenør
cvr-hint = CVR-nummeret har 8 cifre; det sidste er et kontrolciffer.
cvr-number = CVR-nummer
company-name = Virksomhedens navn
register-contractor = Registrér entreprenøren
enter-a-year = Skriv et årstal, fx 2024.
address = Adresse
craftsman-cost = Håndværkerudgiften
construction-start = Byggepladsens etablering
planned-handover = Den planlagte aflevering
the-page-does-not-exist = Siden findes ikke.
the-form-was-refused = Formularen blev afvist
the-form-did-not-come-from = Formularen kom ikke fra denne session. Hent siden igen og prøv på ny.


## navigation and sorting

nav-portfolio = Overblik
nav-contractors = Entreprenører
nav-payroll-import = Lønimport
nav-reminders = Påmindelser
nav-trials = Snusepraktik
nav-groups = Følgegrupper
nav-contracts-and-figures = Kontrakter og tal
sort-case-number = Sagsnummer
sort-share-ascending = Laveste andel først
sort-share-descending = Højeste andel først
sort-shortfall-descending = Flest manglende timer først

## contractor

your-trainee-hours-per-case = Jeres oplæringstimer pr. sag
hours-unit = timer
your-contracts = Jeres kontrakter
the-first-100-contracts-are-shown = Her vises de første 100 kontrakter.
case = Sag
trade = Fag
period = Periode
the-training-clause-asks-for = Uddannelsesklausulen kræver
hours = Timer
report-hours = Indberet timer
your-figures = Jeres tal
your-hours-and-what-your-clauses = Jeres timer og hvad klausulerne stadig mangler, pr. sag
labour-hours = Timer i alt
trainee-hours = Oplæringstimer
share = Andel (%)
clause-short-hours = Klausulen mangler (timer)
behind = Bagud
yes = ja
no = nej
your-trainee-hours-per-case-the = Jeres oplæringstimer pr. sag; tallene står i tabellen ovenfor.
hours-of-persons-in-training-phrase = timer for personer under oplæring
of-the-contracts-hours = af kontraktens timer
exempt = Undtaget:{" "}
no-clause = Ingen klausul

## grant

breach = brud på krav
warning = advarsel
information = information
lbf-grant = LBF-tilsagn
status-on = Status{" "}
key-figures = Nøgletal
yearly-lbf-report = Lærlingeindberetning til LBF
back-to-the-portfolio = Tilbage til overblikket
trainee-share = Oplæringsandel
required-phrase = krav
labour-hours-on-site = Timer på pladsen
hours-of-persons-in-training = Timer for personer under oplæring
hours-required = Krævede timer
hours-short = Manglende timer
target = Måltal
rsv-rk = årsværk
expected-by-now-delivered = Forventet til nu / leveret
projected-share-at-handover = Forventet andel ved aflevering
trainee-share-cumulative-against-the-requirement = Oplæringsandel, akkumuleret, mod kravet
percent = procent
trainee-share-cumulative = Oplæringsandel (akkumuleret)
required = Krav
hours-of-persons-in-training-cumulative = Timer for personer under oplæring, akkumuleret, mod mållinjen
delivered-cumulative = Leveret (akkumuleret)
target-line = Mållinje
progress = Udvikling
the-trainee-share-month-by-month = Oplæringsandelen måned for måned mod kravet. Tallene står i tabellen herunder.
hours-delivered-against-the-pro-rata = Leverede timer mod den forholdsmæssige mållinje.
month-by-month = Måned for måned
month = Måned
share-cumulative = Andel, akkumuleret (%)
required-percent = Krav (%)
hours-cumulative = Timer, akkumuleret
target-line-hours = Mållinje (timer)
trainee-share-per-contractor-against-the = Oplæringsandel pr. entreprenør mod kravet
the-contractors = Entreprenørerne
each-contractors-trainee-share-the-vertical = Hver entreprenørs oplæringsandel; den lodrette linje er byggeriets krav. Tallene står i tabellen herunder.
contractor = Entreprenør
clause-asks-for-hours = Klausulen kræver (timer)
behind-in-brackets = (bagud)
findings = Afvigelser
no-findings = Ingen afvigelser.

## grants

portfolio = Porteføljeoverblik
the-commitment-year-must-be-a = Tilsagnsår skal være et årstal, fx 2024. Filteret er ikke brugt.
lbf-grants-trainee-share-against-the = LBF-tilsagn: oplæringsandel mod kravet, manglende timer, måltal og de næste frister
title = Titel
status = Status
rsv-rk-delivered-target = Årsværk leveret / mål
next-deadlines = Næste frister
no-grant-matches-the-filter = Ingen tilsagn matcher filteret.
contractor-ranking = Entreprenørernes placering
all = Alle
municipality = Kommune
commitment-year = Tilsagnsår
sort-by = Sortering
show = Vis
hours-for = Timer for{" "}
outstanding = mangler
lbf-report = LBF-indberetning{" "}
overdue = (overskredet)
follow-up-meeting-by = Følgegruppemøde senest{" "}
ranking-intro = Entreprenører efter hvor mange timer deres uddannelsesklausuler stadig mangler. En entreprenør bedømmes på sin egen klausul; minimumsandelen ({ $share } %, medmindre et tilsagn har sin egen) er bygherrens krav til hele byggeriet.
behind-on = Bagud på
year = År
submitted-the-figures-below-are-the = Indsendt. Tallene herunder er den seneste indsendte version.
not-submitted-the-figures-below-are = Ikke indsendt. Tallene herunder er de aktuelle.
the-report = Indberetningen
download-the-organisations-report-for-the = Hent organisationens indberetning for året (Excel)
csv = CSV
versions = Versioner
version = Version
submitted = Indsendt
by = Af
reason-for-correction = Begrundelse for rettelse
correct-the-report = Ret indberetningen
reason-required = Begrundelse (skal udfyldes)
submit-correction = Indsend rettelse
submit-the-report = Indsend indberetningen
the-figures-are-frozen-when-submitted = Tallene fastfryses, når de indsendes. Senere rettelser kræver en begrundelse.
submit = Indsend
back-to-the-grant = Tilbage til tilsagnet
the-report-was-submitted = Indberetningen er indsendt.
the-correction-was-submitted = Rettelsen er indsendt.

## home

your-role-has-no-pages-yet = Din rolle har ingen sider endnu.
welcome = Velkommen

## hours

monthly-hours-report = Månedsindberetning af timer
you-have-no-such-contract = Kontrakten findes ikke for dig.
contract-label = Kontrakt:{" "}
saved-sentence = Gemt.
the-hours-for = Timerne for{" "}
are-reported = {" "}er indberettet.
month-yyyy-mm = Måned (åååå-mm)
total-hours-on-site-everyone-paid = Samlede timer på pladsen (alle timelønnede, også personer under oplæring)
no-active-placements-on-the-contract = Ingen aktive pladser på kontrakten i måneden.
report = Indberet
monthly-hours = Månedsindberetning
choose-a-contract-on-the-start = Vælg en kontrakt på forsiden.
write-the-month-as-yyyy-mm = Skriv måneden som åååå-mm, fx 2026-10.
write-the-total-hours-as-a = Skriv de samlede timer som et tal, fx 1.234,5.
the-form-is-incomplete-reload-the = Formularen er ikke hel. Hent siden igen og prøv igen.
write-the-hours-as-a-number = Skriv timerne som et tal, fx 150,5.

## import

payroll-import = Lønimport
load-the-months-hours-from-the = Indlæs månedens timer fra lønsystemet som CSV (semikolon eller komma) eller XLSX, højst 2 MiB. Kolonner: kontrakt (eller cvr og sagsnummer), måned, timer i alt og for hver elev medarbejdernummer og timer. Kontrollér filen først: kontrollen skriver intet. Indlæsningen gemmer hele filen eller intet, og samme fil indlæses kun én gang.
file = Fil
filed-on-only-when-loading-history = Indsendt den (kun ved indlæsning af historik; tom: i dag)
check-saves-nothing = Kontrollér (gemmer intet)
import = Indlæs
your-role-cannot-import-hours = Din rolle kan ikke indlæse timer.
the-file-was-checked-without-problems = Filen er kontrolleret uden fejl. Intet er gemt endnu: vælg filen igen og tryk Indlæs.
the-file-is-imported = Filen er indlæst.
this-file-was-imported-before-nothing = Denne fil er indlæst før; intet er ændret.
the-file-has-problems-and-was = Filen har fejl og er ikke indlæst; intet er gemt. Ret fejlene herunder og prøv igen.
problems-in-the-file = Fejl i filen
line = Linje
column = Kolonne
problem = Fejl
what-the-file-will-save = Det vil filen gemme
saved = Gemt
contract = Kontrakt
total-hours = Timer i alt
hours-in-training = Timer under oplæring
lines-in-the-file = Linjer i filen
replaces-a-report = Erstatter en indberetning
the-file-is-larger-than-2-mib = Filen er større end 2 MiB.
choose-a-file = Vælg en fil.
write-the-date-as-yyyy-mm = Skriv datoen som åååå-mm-dd.

## reminders

reminders = Påmindelser
hours-report = Timeindberetning
reminder-hours-when = fra { $lead } dage før fristen (den { $day }. i måneden efter, medmindre tilsagnet har sin egen), når en kontrakt mangler sidste måneds timer
reminder-lbf-when = { $first }, { $second } og { $third } dage før { $due }
trial-placement-without-outcome = Snusepraktik uden udfald
when-a-trial-placement-has-ended = når en snusepraktik er slut uden udfald
three-month-status-of-a-trial = Status tre måneder efter snusepraktik
when-three-months-have-passed = når tre måneder er gået efter en snusepraktik uden registreret status
follow-up-group-meeting = Følgegruppemøde
reminder-meeting-when = { $lead } dage før næste møde skal holdes
new-breach = Nyt brud på krav
when-a-grant-gets-a-new = når en bevilling får et nyt brud på krav
choose-which-reminders-you-receive-by = Vælg hvilke påmindelser du får på e-mail. Du får kun påmindelser om det, du har adgang til.
you-have-not-chosen-yet-below = Du har ikke valgt endnu; herunder er din rolles standard.
your-role-receives-no-reminders = Din rolle modtager ingen påmindelser.
save = Gem
unknown-kind-of-reminder = Ukendt slags påmindelse
your-reminders-are-saved = Dine påmindelser er gemt.

## trials

ordinary-job = Ordinært job
apprenticeship = Læreplads
education = Uddannelse
job-elsewhere = Job andetsteds
back-to-the-jobcenter = Tilbage til jobcentret
dropped-out = Frafald
trial-placements-snusepraktik = Snusepraktik
running-and-ended-placements = Løbende og afsluttede forløb
ending-within-a-week = Slutter inden for en uge
ended-without-an-outcome = Afsluttet uden udfald
running = Løbende
participant = Deltager
host = Vært
trades-tried = Fag prøvet
outcome-and-next-step = Udfald og næste skridt
started = Startet
completed-trials = Gennemført
trial-placements-from-start-to-jobs = Snusepraktik: fra start til job og uddannelse
number = antal
the-funnel = Tragten
trial-placements-started-completed-and-on = Snusepraktikker startet, gennemført og videre i job, læreplads og uddannelse. Tallene står i tabellen herunder.
the-funnel-in-numbers = Tragten i tal
without-an-outcome-yet = Uden udfald endnu
log-a-new-trial-placement = Registrér en ny snusepraktik
grant = Tilsagn
host-company-optional = Værtsvirksomhed (valgfri)
start-date = Startdato
end-date = Slutdato
trades-separated-by-commas = Fag, adskilt af komma
log-placement = Registrér
outcome = Udfald
date = Dato
next-step = Næste skridt
save-outcome = Gem udfald
the-trial-placement-was-logged = Snusepraktikken er registreret.
the-outcome-was-saved = Udfaldet er gemt.
enter-a-date = Skriv en dato, fx 2026-03-01 eller 1.3.2026.
choose-one-of-the-options-in = Vælg en af mulighederne på listen.
choose-one-of-the-outcomes-in = Vælg et af udfaldene på listen.
follow-up-groups = Følgegrupper
follow-up-group = Følgegruppe
the-next-meeting-is-due-by = Næste møde skal holdes senest{" "}
at-most = højst{" "}
days-between-meetings = {" "}dage mellem møderne
open-action-items = Åbne opgaver
item = Opgave
owner = Ansvarlig
due = Frist
from-the-meeting = Fra mødet
members = Medlemmer
meetings = Møder
attended = Deltagere:{" "}
minutes = Referat
no-minutes-yet = Intet referat endnu.
decisions = Beslutninger
register-a-meeting = Registrér et møde
length-minutes = Varighed (minutter)
register-the-meeting = Registrér mødet
all-follow-up-groups = Alle følgegrupper
the-meeting-was-registered = Mødet er registreret.
the-length-must-be-whole-minutes = Varigheden skal være et helt antal minutter, fx 60.

## mod

not-started = ikke startet
compliant = overholdt
at-risk = i risiko
in-breach = ikke overholdt
status-completed = afsluttet

# Status three months after a snusepraktik (R10)
in-ordinary-work = I ordinært arbejde
in-education-or-apprenticeship = I uddannelse eller læreplads
self-supporting-otherwise = Selvforsørgende på anden måde
back-on-benefits = Tilbage på offentlig forsørgelse
unknown-not-reached = Ukendt (kunne ikke kontaktes)
status-three-months-after = Status tre måneder efter
three-months-passed-without-a-status = Tre måneder efter, uden status
status-after-three-months = Status efter tre måneder
found-out-on = Oplyst den
save-status = Gem status
three-months-later = Tre måneder efter
three-months-have-passed = Tre måneder er gået
self-supporting-after-three-months = Selvforsørgende efter tre måneder
without-a-status-yet = Uden status endnu
the-status-was-saved = Status efter tre måneder er gemt.

# The grant page's clauses and residents' share (R11)
the-contracts-clauses = Kontrakternes uddannelsesklausuler
training-clause = Uddannelsesklausul
clause-share = { $percent } % af timerne til personer under oplæring
clause-hours = { $hours } timer til personer under oplæring
clause-weeks = { $weeks } elevuger ({ $hours } timer)
clause-ratio = én person under oplæring pr. { $n } faglærte
clause-apprentice-part = mindst { $percent } % af oplæringstimerne til lærlinge
clause-company-documentation = bortfalder, når virksomheden dokumenterer mindst { $percent } % personer under oplæring
residents-share = Andel beboere
snusepraktik-participants = Deltagere i snusepraktik
persons-in-training = Personer under oplæring
group = Gruppe
people = Personer
residents = Beboere
below-target-in-brackets = (under målet)
no-target = Intet mål (til orientering)
target-percent = Mål (%)
residents-in-snusepraktik = Beboere i snusepraktik (%, mål)
how-many = Antal

# The contracts page
contracts-and-clauses = Kontrakter og klausuler
value-dkk = Værdi (kr.)
company-documentation = Virksomhedsdokumentation
withdrawn-in-brackets = (trukket tilbage)
from = Fra
to = Til
documented-company-share-percent = Dokumenteret andel i virksomheden (%)
document = Dokument
record-documentation = Registrér dokumentation
new-contract = Ny kontrakt
contract-kind = Entrepriseform
parent-contract-for-a-subcontract = Overordnet kontrakt (kun underentreprise)
start = Start
end = Slut
training-clause-fill-in-the-forms = Uddannelsesklausul: udfyld de former, kontrakten angiver
clause-share-percent = Andel af timerne (%)
clause-trainee-hours = Timer til personer under oplæring
clause-trainee-weeks = Elevuger
a-week-is-37-hours = En elevuge er 37 timer.
clause-skilled-per-trainee = Én person under oplæring pr. antal faglærte
clause-apprentice-percent = Heraf lærlinge mindst (%)
clause-threshold-percent = Bortfalder ved dokumenteret virksomhedsandel på mindst (%)
or-an-exemption = Eller en undtagelse
reason = Begrundelse
approved-by = Godkendt af
register-contract = Registrér kontrakt
main-contract = Hovedentreprise
trade-contract = Fagentreprise
turnkey-contract = Totalentreprise
subcontract = Underentreprise
the-contract-was-registered = Kontrakten er registreret.
the-documentation-was-recorded = Dokumentationen er registreret.
enter-a-number = Skriv et tal, fx 1.234,50.
enter-a-whole-number = Skriv et helt tal, fx 10.
leave-a-target-empty-for-none = Lad et mål stå tomt, så vises andelen kun til orientering.
target-residents-in-snusepraktik = Mål for beboere blandt deltagere i snusepraktik (%)
target-residents-in-training = Mål for beboere blandt personer under oplæring (%)
save-targets = Gem mål

# Role names and the unknown address
go-to-the-front-page = Gå til forsiden
role-admin = administrator
role-bygherre = bygherre
role-contractor = entreprenør
role-tovholder = tovholder
role-viewer = læseadgang

# Replacing a reported month
the-month-is-already-reported = Måneden er allerede indberettet:
confirm-to-replace-it = Bekræft, at de nye tal skal erstatte dem.
on-file = Indberettet
new = Nye tal
hours-in-total = timer i alt
by-persons-in-training = timer for personer under oplæring
reporting-again-replaces-it = Indberetter du igen, bliver du bedt om at bekræfte, før tallene erstattes.
replace-the-report = Erstat indberetningen
outcome-without-a-next-plan = Udfald uden videre plan
save-the-plan = Gem planen
