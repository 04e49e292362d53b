"""Name pools for the demo school: generated people only, never real pupils or staff.

Each origin is a family background common in English primary schools, with the languages a
parent from it might prefer to read the portal in (none: English). The generator takes first
names and surnames from one origin per family, so families look plausible; a second parent
sometimes has another surname, as families do.
"""

from __future__ import annotations

from typing import NamedTuple


class Origin(NamedTuple):
    weight: int
    first_names: tuple[str, ...]
    surnames: tuple[str, ...]
    languages: tuple[str, ...]


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ORIGINS: dict[str, Origin] = {
    "british": Origin(
        44,
        _names("""
            Oliver George Harry Jack Noah Charlie Freddie Alfie Theo Arthur Leo Oscar Archie
            Henry Thomas William James Joshua Isaac Edward Rhys Callum Ruairi Finley Olivia
            Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Evie Poppy Ella
            Florence Emily Daisy Harriet Matilda Megan Seren Eilidh Niamh Zoë
        """),
        _names("""
            Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson
            Evans Walker White Roberts Green Hall Wood Jackson Clarke Harrison Turner Cooper
            Ward Morris Bell Marshall Kelly Murphy O'Brien McDonald Fraser Price Barnes Holmes
            Shaw Fletcher Pearson Lloyd Atkinson
        """),
        (),
    ),
    "south_asian": Origin(
        16,
        _names("""
            Aarav Arjun Ayaan Zayn Ibrahim Hamza Yusuf Rayyan Ishaan Kabir Rohan Harjeet
            Gurpreet Musa Dev Aisha Zara Maryam Fatima Anaya Priya Saanvi Inaya Noor Hafsa
            Jasleen Manpreet Arya Diya Simran Eshal Aleena
        """),
        _names("""
            Ahmed Hussain Patel Ali Shah Iqbal Akhtar Mahmood Rahman Chaudhry Kaur Singh
            Sandhu Gill Sharma Mistry Malik Bibi Uddin Begum Parmar Bains
        """),
        ("ur", "pa"),
    ),
    "polish": Origin(
        9,
        _names("""
            Jakub Antoni Szymon Filip Kacper Mikołaj Wojciech Jan Stanisław Zofia Zuzanna
            Maja Lena Julia Hanna Alicja Oliwia Łucja Wiktoria Natalia
        """),
        _names("""
            Nowak Mazur Krawczyk Wójcik Woźniak Kaczmarek Zając Król Wieczorek Pawlak
            Michalak Sikora Walczak Baran Dudek
        """),
        ("pl",),
    ),
    "romanian": Origin(
        6,
        _names("""
            Andrei Ștefan Luca Matei David Mihai Alexandru Darius Ioana Maria Elena Sofia
            Daria Andreea Bianca Ana Teodora Irina
        """),
        _names("""
            Popescu Ionescu Popa Radu Dumitru Stan Stoica Gheorghe Ciobanu Munteanu Moldovan
            Constantin Lungu Marin Sârbu
        """),
        ("ro",),
    ),
    "arabic": Origin(
        7,
        _names("""
            Omar Mohammed Ahmad Khalid Karim Adam Idris Bilal Tariq Youssef Layla Yasmin
            Mariam Huda Salma Lina Jana Rania Sara Amal
        """),
        _names("""
            Haddad Mansour Nasser Saleh Hassan Abbas Darwish Khalil Farouk Aziz Hamdan Osman
            Qasim Mustafa Al-Sayed
        """),
        ("ar",),
    ),
    "african": Origin(
        8,
        _names("""
            Chidi Emeka Tobi Kwame Kofi Femi Tunde Ayo Obinna Kayode Abdi Chioma Adaeze Amara
            Folake Ama Abena Efua Zainab Ifeoma Nneka Temi Hodan
        """),
        _names("""
            Okafor Adeyemi Okonkwo Mensah Boateng Owusu Asante Adebayo Eze Nwosu Balogun
            Oladipo Danso Appiah Ogunleye Warsame Mohamud
        """),
        (),
    ),
    "caribbean": Origin(
        6,
        _names("""
            Jayden Tyrese Marcus Dwayne Kai Malachi Jordan Nathaniel Elijah Shanice Aaliyah
            Kiara Jada Tiana Imani Naomi Keisha Chantelle
        """),
        _names("""
            Campbell Grant Francis Baptiste Joseph Charles Lewis Henry Bailey Forbes Samuels
            McKenzie Gordon Spencer Reid
        """),
        (),
    ),
    "spanish": Origin(
        4,
        _names("""
            Mateo Hugo Pablo Diego Santiago Tomás Martín Lucía Valentina Sofía Carmen Inés
            Paula Martina Alba
        """),
        _names("""
            García Fernández Martínez López Rodríguez Sánchez Pérez Gómez Ruiz Díaz Moreno
            Silva Santos Costa
        """),
        ("es",),
    ),
}

STAFF_TITLES = ("Mr", "Mrs", "Ms", "Miss")

# Birds for the youngest, trees for the older classes; the number is the YearGroup value
# (0 = Nursery … 7 = Year 6). Nursery and Year 6 have one class each, the others two.
CLASS_NAMES: tuple[tuple[str, int], ...] = (
    ("Wrens", 0),
    ("Robins", 1),
    ("Sparrows", 1),
    ("Blackbirds", 2),
    ("Finches", 2),
    ("Kingfishers", 3),
    ("Owls", 3),
    ("Rowan", 4),
    ("Hazel", 4),
    ("Willow", 5),
    ("Birch", 5),
    ("Ash", 6),
    ("Beech", 6),
    ("Oak", 7),
)
