"""English headline/summary templates and slot values for the sample corpus (format: phrases_uk)."""

from __future__ import annotations

TEMPLATES = """
[territory]
Kremlin insists Ukraine must withdraw from Donbas, says {kremlin}
  Moscow says there can be no peace deal unless Ukrainian troops leave the rest of the
  Donetsk region.
Zelensky: Ukraine will never recognise Russia's occupation of Crimea and Donbas
  The president said territorial concessions would violate the constitution.
Battle for {town}: Ukrainian forces hold the line as Russia presses its assault
  Defenders in {town} repelled {n} assaults in a day, the General Staff said.
Russia claims gains around {town} as fighting intensifies
  Moscow's defence ministry said its troops had taken several districts; Kyiv denied the claim.
@plan US plan would turn Donbas into a demilitarised zone, report says
  The draft would recognise Donbas as de facto Russian and require Ukrainian troops to withdraw.
@plan Talks {in_venue}: the territorial question remains open
  {us} acknowledged the sides had not agreed on control of Donbas or the Zaporizhzhia plant.

[security_guarantees]
Coalition of the willing discusses security guarantees for Ukraine
  Leaders of {countries} countries agreed the outline of a multinational force to be
  deployed after the fighting ends.
{us}: US ready to offer Ukraine Article 5-style guarantees
  Washington is proposing legally binding security guarantees that Congress would approve.
@plan Draft plan would cap Ukraine's army at {army} troops
  Kyiv says it will not accept a smaller army without reliable security guarantees.
Ukraine could drop its NATO bid in exchange for security guarantees
  {ua} said bilateral guarantees from the US and Europe could be a compromise.
{eu}: Europe ready to send a reassurance force to Ukraine
  European troops would deploy only once a deal is signed, allies said.

[elections]
@plan Ukraine could hold elections 100 days after a deal, report says
  The US plan envisages a presidential election once martial law is lifted.
Ukraine's election commission says a post-war vote needs {months} months to prepare
  The commission's head said the voter register must be updated and voting abroad organised.
Zelensky says he is ready to hold elections if partners guarantee security
  The president asked lawmakers to prepare proposals for a vote under martial law.
{kremlin} questions Zelensky's legitimacy
  The Kremlin says any deal must be signed by a "legitimate" government chosen in an election.
Ukrainian MPs debate a referendum on a peace deal
  Lawmakers disagree on whether a national referendum could approve terms agreed {in_venue}.

[ceasefire]
{us}: a ceasefire could come before Christmas
  A US official said the sides were close to agreeing a truce but key issues remained open.
Moscow rejects a temporary ceasefire, says {kremlin}
  Russia will not pause hostilities without addressing the "root causes" of the war.
Energy truce: sides discuss a moratorium on strikes on power plants
  Sources say a halt to energy strikes could be the first step towards a full ceasefire.
{eu}: the front line should become the ceasefire line
  European leaders called for fighting to stop along current positions.
Kyiv ready for an air and sea ceasefire, says {ua}
  Ukraine is waiting for Moscow's answer on a mutual halt to long-range strikes.

[frozen_assets]
EU weighs a €{bn}bn reparations loan for Ukraine
  The loan would be backed by Russian central bank assets immobilised at Euroclear.
Belgium demands guarantees before Russian assets are used
  Prime Minister Bart De Wever wants the risks shared among all EU member states.
European Commission proposes a way to use frozen Russian assets
  Ukraine would repay the loan only if Russia pays reparations.
@plan US plan would invest $100bn of frozen Russian assets in rebuilding Ukraine
  European officials object that most of the immobilised assets are held in the EU.
{eu}: decision on Russian assets will come at the EU summit
  Leaders must agree how to fund Ukraine in 2026 and 2027.

[war]
Russia launches {drones} drones and {missiles} missiles at Ukraine
  Air defences shot down most of them, but energy facilities {in_city} were damaged.
Russian strike on {city} injures {injured} people
  Rescuers are at the scene; apartment blocks and cars were damaged.
Power cuts to continue {in_city} as Russia targets the grid
  Ukrenergo says the restrictions follow massive attacks on the energy system.
Prisoner swap brings {pows} Ukrainians home
  Some of those freed had been held since 2022.
Air-raid alert {in_city} as explosions are heard
  Residents were urged to stay in shelters until the all-clear.

[negative]
Fire on the territory of a plant {in_city} put out, no casualties
  Firefighters contained the blaze over {sqm} square metres.
Democrats win governor races in Virginia and New Jersey
  The elections were seen as an early test of voters' mood a year into Trump's term.
Gaza ceasefire: mediators urge both sides to hold the truce
  Israel and Hamas accuse each other of violating the agreement.
Frozen food prices rise {pct}% in a year
  Frozen berries and vegetables led the increase, statistics show.
Cybersecurity firm warns of ransomware targeting hospitals
  The group behind the attacks has hit clinics in five countries since October.
Moldova's new parliament elects a speaker
  The pro-European governing party kept its majority after September's election.

[other]
Bank of England holds interest rates
  Policymakers said inflation was still above target.
Ukraine to face a World Cup play-off in March
  The draw in Zurich will decide the team's opponent.
Winter storm brings snow and ice {in_city}
  Temperatures are expected to fall to -{cold}C overnight.
Kyiv exhibition shows contemporary Ukrainian art
  The exhibition runs until the end of the year.
"""

WORDS: dict[str, list[str]] = {
    "us": ["Witkoff", "Rubio", "Kushner", "Driscoll"],
    "ua": ["Umerov", "Sybiha", "Zelensky"],
    "kremlin": ["Peskov", "Ushakov", "Dmitriev", "Lavrov"],
    "eu": ["Macron", "Merz", "Starmer", "Kallas", "Von der Leyen"],
    "army": ["600,000", "800,000"],
}
TOWNS = [(t, t, t, f"in {t}") for t in
         ["Pokrovsk", "Myrnohrad", "Huliaipole", "Kostiantynivka", "Siversk", "Kupiansk"]]
CITIES = [(c, c, f"in {c}") for c in
          ["Kyiv", "Kharkiv", "Odesa", "Dnipro", "Zaporizhzhia", "Sumy", "Chernihiv"]]
VENUES = {v: f"in {v}" for v in
          ["Washington", "Brussels", "Geneva", "Abu Dhabi", "Miami", "Moscow"]}
WIRE_SUFFIX = " - reports"
